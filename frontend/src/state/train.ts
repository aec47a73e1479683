// The Train button as a small state machine: a click submits at once (the button disables
// and the run area shows "queued…" before the server answers); further clicks are ignored
// until the run exists, so a double click creates one run and runs never start out of order.
export type TrainState =
  | { phase: "idle" }
  | { phase: "submitting" } // POST /api/runs in flight
  | { phase: "failed"; error: string };

export type TrainEvent =
  | { type: "click" }
  | { type: "created"; runId: number }
  | { type: "failed"; error: string };

export const TRAIN_IDLE: TrainState = { phase: "idle" };

export function trainReducer(state: TrainState, event: TrainEvent): TrainState {
  switch (event.type) {
    case "click":
      return state.phase === "submitting" ? state : { phase: "submitting" };
    case "created":
      return TRAIN_IDLE;
    case "failed":
      return { phase: "failed", error: event.error };
  }
}

/** Whether a click now sends a request (not while one is in flight). */
export function startsRun(state: TrainState): boolean {
  return state.phase !== "submitting";
}

export interface TrainButton {
  disabled: boolean;
  label: string;
  busy: boolean;
}

export function trainButton(
  state: TrainState,
  blockers: { errors: number; serverDown: boolean },
): TrainButton {
  const busy = state.phase === "submitting";
  return {
    disabled: busy || blockers.errors > 0 || blockers.serverDown,
    label: busy ? "Queuing…" : "Train",
    busy,
  };
}
