// Test data for sweeps: a trial and a sweep with the fields a test cares about overridden.
import type { SweepView, Trial } from "../api/types";

export function makeTrial(over: Partial<Trial> = {}): Trial {
  return {
    run_id: 10,
    index: 0,
    params: { "training.optimizer.lr": 0.03 },
    seed: 0,
    status: "succeeded",
    epoch: 20,
    final: { train_loss: 0.5, val_loss: 0.6, val_accuracy: 0.8 },
    error: null,
    ...over,
  };
}

export function makeSweep(over: Partial<SweepView> = {}): SweepView {
  return {
    id: 1,
    name: "lr sweep",
    kind: "sweep",
    base_run_id: null,
    created_at: "2025-01-01T00:00:00Z",
    status: "running",
    counts: { succeeded: 1 },
    metric: "val_accuracy",
    params: ["training.optimizer.lr"],
    trials: [makeTrial()],
    best: null,
    base: {},
    ...over,
  };
}
