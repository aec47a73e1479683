import { describe, expect, it } from "vitest";
import { makeTrial } from "../test/sweepFactories";
import { axisScale, parallelCoords } from "./parallelCoords";

describe("axisScale", () => {
  it("puts learning rates on a log axis: each factor of 10 is one step", () => {
    const a = axisScale([0.001, 0.01, 0.1]);
    expect(a.scale).toBe("log");
    expect([0.001, 0.01, 0.1].map(a.place)).toEqual([0, 0.5, 1]);
    expect(a.ticks).toEqual([
      { at: 0, label: "0.001" },
      { at: 1, label: "0.1" },
    ]);
    expect(a.place(-1)).toBeNull();
  });

  it("keeps narrow or signed ranges linear, and one value in the middle", () => {
    const a = axisScale([8, 16, 12]);
    expect(a.scale).toBe("linear");
    expect(a.place(12)).toBe(0.5);
    expect(axisScale([-1, 1]).scale).toBe("linear");
    const one = axisScale([0.5, 0.5]);
    expect(one.place(0.5)).toBe(0.5);
    expect(one.ticks).toEqual([{ at: 0.5, label: "0.5" }]);
  });

  it("spaces categories evenly in the order first seen", () => {
    const a = axisScale(["ReLU", "Tanh", "ReLU", "GELU", undefined]);
    expect(a.scale).toBe("category");
    expect(a.ticks.map((t) => [t.label, t.at])).toEqual([
      ["ReLU", 0],
      ["Tanh", 0.5],
      ["GELU", 1],
    ]);
    expect(a.place("Sigmoid")).toBeNull();
    expect(a.place(undefined)).toBeNull();
  });
});

describe("parallelCoords", () => {
  it("gives an axis per param then the metric, and a line per trial", () => {
    const trials = [
      makeTrial({
        run_id: 1,
        params: { "training.optimizer.lr": 0.01, "model.layers[0].activation": "ReLU" },
        final: { val_loss: 0.2 },
      }),
      makeTrial({
        run_id: 2,
        params: { "training.optimizer.lr": 1, "model.layers[0].activation": "Tanh" },
        final: { val_loss: 1.2 },
      }),
      makeTrial({
        run_id: 3,
        params: { "training.optimizer.lr": 0.1, "model.layers[0].activation": "Tanh" },
        final: {},
      }),
    ];
    const { axes, lines } = parallelCoords(
      trials,
      ["training.optimizer.lr", "model.layers[0].activation"],
      "val_loss",
    );
    expect(axes.map((a) => [a.label, a.scale])).toEqual([
      ["lr", "log"],
      ["layers[0].activation", "category"],
      ["val loss", "linear"],
    ]);
    expect(lines).toEqual([
      { runId: 1, ys: [0, 0, 0], metric: 0.2 },
      { runId: 2, ys: [1, 1, 1], metric: 1.2 },
      { runId: 3, ys: [0.5, 1, null], metric: null },
    ]);
  });

  it("keeps the metric axis linear even over a wide range", () => {
    const trials = [0.01, 0.5, 1].map((v, i) => makeTrial({ run_id: i, final: { val_loss: v } }));
    const { lines } = parallelCoords(trials, [], "val_loss");
    expect(lines.map((l) => l.ys[0])).toEqual([0, (0.5 - 0.01) / 0.99, 1]);
  });

  it("adds a seed axis when the trials' seeds differ", () => {
    const trials = [0, 1, 2].map((seed) =>
      makeTrial({
        run_id: seed,
        seed,
        params: { "training.optimizer.lr": 0.1 },
        final: { val_loss: seed },
      }),
    );
    const { axes, lines } = parallelCoords(trials, ["training.optimizer.lr"], "val_loss");
    expect(axes.map((a) => a.key)).toEqual(["training.optimizer.lr", "seed", "metric"]);
    expect(lines.map((l) => l.ys[1])).toEqual([0, 0.5, 1]);
  });
});
