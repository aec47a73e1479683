// Ask the server about a value a short while after it stops changing; older answers are dropped.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api/client";

export interface RequestState<T> {
  data: T | null;
  error: ApiError | null;
  pending: boolean;
}

export function useDebouncedRequest<T>(
  key: string, // a stable encoding of the input: the request runs again when it changes
  run: (signal: AbortSignal) => Promise<T>,
  delayMs = 250,
): RequestState<T> {
  const [state, setState] = useState<RequestState<T>>({ data: null, error: null, pending: true });
  const first = useRef(true);
  useEffect(() => {
    // The first request goes at once (the page is waiting for it); edits are debounced.
    const delay = first.current ? 0 : delayMs;
    first.current = false;
    const ctrl = new AbortController();
    setState((s) => ({ ...s, pending: true }));
    const t = setTimeout(() => {
      run(ctrl.signal).then(
        (data) => !ctrl.signal.aborted && setState({ data, error: null, pending: false }),
        (err: unknown) => {
          if (ctrl.signal.aborted) return;
          const e = err instanceof ApiError ? err : new ApiError(0, String(err));
          setState({ data: null, error: e, pending: false });
        },
      );
    }, delay);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [key]);
  return state;
}
