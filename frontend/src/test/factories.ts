// Test data: a valid value of each wire type, with the fields a test cares about overridden.
import type { Run } from "../api/types";

/** A finished run of a small spiral MLP. */
export function makeRun(over: Partial<Run> = {}): Run {
  return {
    id: 1,
    name: "run",
    status: "succeeded",
    dataset: "spiral",
    spec: {
      data: { dataset: "spiral" },
      model: {
        layers: [
          { type: "Linear", out_features: 8 },
          { type: "Tanh" },
          { type: "Linear", out_features: 2 },
        ],
      },
      training: { optimizer: { type: "SGD", lr: 0.03 } },
    },
    seed: 0,
    device: "cpu",
    tags: [],
    notes: "",
    summary: null,
    result: null,
    error: null,
    versions: null,
    created_at: "2025-01-01T00:00:00Z",
    started_at: "2025-01-01T00:00:01Z",
    finished_at: "2025-01-01T00:00:13.5Z",
    epochs_done: 10,
    best_val_accuracy: 0.9,
    test_accuracy: 0.88,
    last_seq: 5,
    sweep_id: null,
    trial: null,
    owner_id: null,
    shared: false,
    queue_position: null,
    ...over,
  };
}
