// A clock for components that show elapsed or relative times.
import { useEffect, useState } from "preact/hooks";

/** Date.now(), re-read every `ms` so durations and "3 min ago" stay current. */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
