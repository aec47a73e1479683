// Loading from a server that may be down: it comes back by itself, so failures retry, after
// the same backoff as the sockets (net/backoff).
import { useEffect, useRef, useState } from "preact/hooks";
import { errorMessage } from "../api/client";
import { backoffMs } from "../net/backoff";

/** While `failing`, call `retry` after the backoff; `attempt` changes with each try. The
 * backoff grows with each try that still fails and starts over once one succeeds. */
export function useAutoRetry(failing: boolean, retry: () => void, attempt: unknown): void {
  const failures = useRef(0);
  useEffect(() => {
    if (!failing) {
      failures.current = 0;
      return;
    }
    const t = setTimeout(retry, backoffMs(failures.current++));
    return () => clearTimeout(t);
  }, [failing, attempt]);
}

export interface Loaded<T> {
  data: T | null; // the last answer; kept while a later try fails
  error: string | null;
  retry: () => void;
}

/** `load()` once, and again after each failure until it succeeds. */
export function useLoad<T>(load: () => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const retry = () => setAttempt((a) => a + 1);
  useEffect(() => {
    let current = true;
    load().then(
      (d) => {
        if (!current) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => current && setError(errorMessage(e)),
    );
    return () => {
      current = false;
    };
  }, [attempt]);
  useAutoRetry(error !== null, retry, attempt);
  return { data, error, retry };
}
