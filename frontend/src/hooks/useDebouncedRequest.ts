// Ask the server about a value a short while after it stops changing; older answers are dropped.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api/client";

export interface RequestState<T> {
  data: T | null;
  error: ApiError | null;
  pending: boolean;
}

interface Held<T> extends RequestState<T> {
  scope: string; // the scope the answer belongs to
}

/** While `key` changes within one `scope`, the last answer stays on screen until the next
 * arrives (no flicker while typing); an answer from another scope (another data set, another
 * preset) is never shown, not even for one frame. */
export function useDebouncedRequest<T>(
  key: string, // a stable encoding of the input: the request runs again when it changes
  run: (signal: AbortSignal) => Promise<T>,
  delayMs = 250,
  scope = "",
): RequestState<T> {
  const [state, setState] = useState<Held<T>>({ data: null, error: null, pending: true, scope });
  const first = useRef(true);
  useEffect(() => {
    // The first request goes at once (the page is waiting for it); edits are debounced.
    const delay = first.current ? 0 : delayMs;
    first.current = false;
    const ctrl = new AbortController();
    setState((s) =>
      s.scope === scope
        ? { ...s, pending: true }
        : { data: null, error: null, pending: true, scope },
    );
    const t = setTimeout(() => {
      run(ctrl.signal).then(
        (data) => !ctrl.signal.aborted && setState({ data, error: null, pending: false, scope }),
        (err: unknown) => {
          if (ctrl.signal.aborted) return;
          const e = err instanceof ApiError ? err : new ApiError(0, String(err));
          setState({ data: null, error: e, pending: false, scope });
        },
      );
    }, delay);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [key, scope]);
  if (state.scope !== scope) return { data: null, error: null, pending: true };
  return { data: state.data, error: state.error, pending: state.pending };
}
