// Run statuses: the one place the frontend names them (the store's state machine is the source:
// queued → running → succeeded | failed | cancelled | diverged).
import type { RunStatus } from "../api/types";

/** Every status, in the order a run can pass through them (the status filter's options). */
export const RUN_STATUSES: readonly RunStatus[] = [
  "queued",
  "running",
  "succeeded",
  "failed",
  "cancelled",
  "diverged",
];

/** Statuses a run never leaves (the backend's store.states.TERMINAL): all but these two. */
export const TERMINAL_STATUSES: readonly RunStatus[] = RUN_STATUSES.filter(
  (s) => s !== "queued" && s !== "running",
);

/** Terminal statuses that come with an error message to show. */
const ERROR_STATUSES: readonly RunStatus[] = ["failed", "diverged"];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Queued or running: it may still change (cancel offered, clocks tick, lists follow it). */
export function isActive(status: RunStatus): boolean {
  return !isTerminal(status);
}

/** "Diverged: " or "Failed: " before a run's error; null for statuses without one. */
export function errorPrefix(status: RunStatus): string | null {
  if (!ERROR_STATUSES.includes(status)) return null;
  return status === "diverged" ? "Diverged: " : "Failed: ";
}
