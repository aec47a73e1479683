// Loading from a server that may be down: it comes back by itself, so failures retry.
import { useEffect, useState } from "preact/hooks";
import { errorMessage } from "../api/client";

const RETRY_MS = 3000;

/** While `failing`, call `retry` every few seconds; `attempt` changes with each try. */
export function useAutoRetry(failing: boolean, retry: () => void, attempt: unknown): void {
  useEffect(() => {
    if (!failing) return;
    const t = setTimeout(retry, RETRY_MS);
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
