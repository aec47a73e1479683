// Start a run of the spec (POST /api/runs) through the Train state machine (state/train.ts):
// one request at a time, whatever the clicks; its failure, if any, to show.
import { useReducer, useRef } from "preact/hooks";
import { ApiError, api } from "../api/client";
import type { SpecJson } from "../api/types";
import { startsRun, TRAIN_IDLE, type TrainState, trainReducer } from "../state/train";

export function useTrain(onStarted: (runId: number) => void): {
  train: (spec: SpecJson) => void;
  state: TrainState;
} {
  const [state, dispatch] = useReducer(trainReducer, TRAIN_IDLE);
  // The state as of the last click, read synchronously: a second click in the same frame
  // (before a re-render) must see the first one's request in flight.
  const current = useRef<TrainState>(TRAIN_IDLE);
  const send = (e: Parameters<typeof trainReducer>[1]) => {
    current.current = trainReducer(current.current, e);
    dispatch(e);
  };
  const train = (spec: SpecJson) => {
    if (!startsRun(current.current)) return;
    send({ type: "click" });
    api.createRun(spec).then(
      (run) => {
        send({ type: "created", runId: run.id });
        onStarted(run.id);
      },
      (e: unknown) =>
        send({ type: "failed", error: e instanceof ApiError ? e.message : String(e) }),
    );
  };
  return { train, state };
}
