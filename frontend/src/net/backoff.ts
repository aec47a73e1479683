// The one retry policy of the app: reconnecting sockets and loads from a server that is down.

/** Milliseconds before retry `attempt` (0-based): 0.5 s doubling, at most 5 s. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_MS, FIRST_MS * 2 ** Math.max(0, attempt));
}

const FIRST_MS = 500;
const MAX_MS = 5000; // a server that comes back is noticed within 5 s
