// Readers against answers recorded from a real server (digits CNN, char attention, GRU on sine,
// spiral MLP), and a synthetic neurons answer.
import { describe, expect, it } from "vitest";
import type { InspectOut } from "../api/types";
import activations from "./__fixtures__/inspect-activations.json";
import adversarial from "./__fixtures__/inspect-adversarial.json";
import filters from "./__fixtures__/inspect-filters.json";
import gradcheck from "./__fixtures__/inspect-gradcheck.json";
import hidden from "./__fixtures__/inspect-hidden-states.json";
import predictChars from "./__fixtures__/inspect-predict-chars.json";
import predictSine from "./__fixtures__/inspect-predict-sine.json";
import receptive from "./__fixtures__/inspect-receptive-field.json";
import weights from "./__fixtures__/inspect-weights.json";
import { gridPlanes } from "./inspectGrid";
import {
  readActivations,
  readAdversarial,
  readFilters,
  readGradcheck,
  readHiddenStates,
  readNeurons,
  readPredict,
  readReceptiveField,
  readWeights,
  topClasses,
  ViewShapeError,
  weightMatrix,
} from "./inspectViews";

const out = (v: unknown) => v as InspectOut;

describe("inspect readers", () => {
  it("neurons: features and unit grids per layer", () => {
    const g = { shape: [2, 2], lo: 0, hi: 1, data: btoa("\0\0\0\0") };
    const r = readNeurons(
      out({
        run_id: 1,
        epoch: 3,
        view: "neurons",
        x_range: [-1, 1],
        y_range: [-2, 2],
        resolution: 2,
        features: [
          { ...g, name: "x" },
          { ...g, name: "y" },
        ],
        layers: [
          { layer: "model.layers[0]", type: "Linear", activation: "Tanh", units: [g, g, g] },
        ],
      }),
    );
    expect(r.features.map((f) => f.name)).toEqual(["x", "y"]);
    expect(r.layers[0].units).toHaveLength(3);
    expect(r.yRange).toEqual([-2, 2]);
    expect(() => readNeurons(out({ run_id: 1, epoch: 0, view: "neurons" }))).toThrow(
      ViewShapeError,
    );
  });

  it("weights: tensors, and the Linear weight as rows per unit", () => {
    const r = readWeights(out(weights));
    expect(r.layers.map((l) => l.layer)).toEqual([
      "model.layers[0]",
      "model.layers[2]",
      "model.layers[4]",
    ]);
    const m = weightMatrix(r.layers[0]);
    expect(m).toHaveLength(8);
    expect(m?.[0]).toHaveLength(2);
    expect(r.layers[0].tensors[0].histogram.counts.length).toBeGreaterThan(1);
    expect(weightMatrix(undefined)).toBeNull();
    const cut = {
      ...r.layers[1],
      tensors: [{ ...r.layers[1].tensors[0], values: new Array(20).fill(1), truncated: true }],
    };
    expect(weightMatrix(cut)).toHaveLength(2); // 8x8 cut to 20 values: 2 whole rows
  });

  it("activations: histograms with saturated fractions for tanh", () => {
    const r = readActivations(out(activations));
    const tanh = r.layers.find((l) => l.type === "Tanh");
    expect(tanh?.saturated).not.toBeNull();
    expect(tanh?.dead).toBeNull();
  });

  it("filters: one 3x3 plane per kernel", () => {
    const r = readFilters(out(filters));
    expect(r.shape).toEqual([16, 1, 3, 3]);
    expect(gridPlanes(r.weight)).toHaveLength(16);
  });

  it("adversarial: before and after predictions and three images", () => {
    const r = readAdversarial(out(adversarial));
    expect(r.eps).toBe(0.3);
    expect(r.before.probabilities).toHaveLength(10);
    expect(r.after.predicted).not.toBe(r.before.predicted);
    expect(gridPlanes(r.perturbed)[0].w).toBe(8);
  });

  it("receptive field rows per layer", () => {
    const r = readReceptiveField(out(receptive));
    expect(r.layers.map((l) => l.size[0])).toEqual([3, 4, 8, 10]);
  });

  it("hidden states: a steps x units grid", () => {
    const r = readHiddenStates(out(hidden));
    expect(r.layers[0].states.shape).toEqual([20, 32]);
    expect(r.layers[0].directions).toBe(1);
  });

  it("predict: class distributions with a continuation, or values", () => {
    const chars = readPredict(out(predictChars));
    const first = chars.outputs[0];
    expect(first.kind).toBe("class");
    if (first.kind === "class") {
      expect(typeof first.continuation).toBe("string");
      expect(topClasses(first.probabilities, 3, chars.classes)).toHaveLength(3);
    }
    const sine = readPredict(out(predictSine));
    expect(sine.outputs[0]).toEqual({ kind: "values", values: [expect.any(Number)] });
  });

  it("gradcheck: the largest relative error per layer", () => {
    const r = readGradcheck(out(gradcheck));
    expect(r.maxRelError).toBeLessThan(1e-5);
    expect(r.layers[0].entries).toBeGreaterThan(0);
  });

  it("top classes, most likely first, named", () => {
    expect(topClasses([0.1, 0.7, 0.2], 2, ["a", "b", "c"])).toEqual([
      { index: 1, name: "b", p: 0.7 },
      { index: 2, name: "c", p: 0.2 },
    ]);
  });
});
