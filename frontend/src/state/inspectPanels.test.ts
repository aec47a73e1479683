import { describe, expect, it } from "vitest";
import type { Summary } from "../api/types";
import { choosePanels, convLayers, dataKind, pixelMax } from "./inspectPanels";

function summary(
  types: string[],
  inputShape: number[],
  task: "classification" | "regression" = "classification",
): Summary {
  return {
    input_shape: inputShape,
    output_shape: [2],
    task,
    classes: task === "classification" ? 2 : null,
    outputs: null,
    samples: { train: 10, val: 2, test: 2 },
    params: 10,
    flops: 10,
    steps_per_epoch: 1,
    layers: types.map((type, i) => ({
      path: `model.layers[${i}]`,
      type,
      label: type,
      depth: 0,
      input_shape: inputShape,
      output_shape: [2],
      params: 0,
      flops: 0,
    })),
  } as Summary;
}

describe("choosePanels", () => {
  it("nothing before the summary is known", () => {
    expect(choosePanels({ summary: null, plane: true })).toEqual([]);
  });

  it("an MLP on 2-D points: the graph, the timeline, the plane to click", () => {
    const p = choosePanels({ summary: summary(["Linear", "Tanh", "Linear"], [2]), plane: true });
    expect(p.slice(0, 3)).toEqual(["graph", "timeline", "try_plane"]);
    expect(p).toContain("gradcheck");
    expect(p).not.toContain("filters");
  });

  it("no graph for 2-D data through a layer it cannot draw", () => {
    const p = choosePanels({
      summary: summary(["Linear", "Residual", "Linear"], [2]),
      plane: true,
    });
    expect(p).not.toContain("graph");
  });

  it("a digits CNN: filters, maps, saliency, FGSM, receptive field, drawing", () => {
    const s = summary(["Conv2d", "MaxPool2d", "Flatten", "Linear"], [1, 8, 8]);
    const p = choosePanels({ summary: s, plane: false, dataset: "digits" });
    for (const id of [
      "filters",
      "feature_maps",
      "saliency",
      "adversarial",
      "receptive_field",
      "try_draw",
    ])
      expect(p).toContain(id);
    expect(p).not.toContain("graph");
    expect(p).not.toContain("try_plane");
  });

  it("no drawing pad for colour images or regression", () => {
    const rgb = summary(["Conv2d", "Flatten", "Linear"], [3, 32, 32]);
    expect(choosePanels({ summary: rgb, plane: false })).not.toContain("try_draw");
    const reg = summary(["Conv2d", "Flatten", "Linear"], [1, 8, 8], "regression");
    expect(choosePanels({ summary: reg, plane: false })).not.toContain("saliency");
  });

  it("attention on text, RNNs on sequences", () => {
    const att = summary(["Embedding", "PositionalEncoding", "MultiheadAttention", "Linear"], [16]);
    const p = choosePanels({ summary: att, plane: false, dataset: "chars" });
    expect(p).toContain("attention");
    expect(p).toContain("try_text");
    const gru = summary(["GRU", "Linear"], [20, 1], "regression");
    const q = choosePanels({ summary: gru, plane: false, dataset: "sine" });
    expect(q).toContain("hidden_states");
    expect(q).toContain("try_sequence");
    expect(q).not.toContain("attention");
  });

  it("lists the convolutions to pick filters from", () => {
    const s = summary(["Conv2d", "MaxPool2d", "Conv2d", "Linear"], [1, 8, 8]);
    expect(convLayers(s).map((c) => c.path)).toEqual(["model.layers[0]", "model.layers[2]"]);
    expect(convLayers(s)[0].label).toBe("layers[0] Conv2d");
  });

  it("data kinds and pixel ranges", () => {
    expect(dataKind({ summary: summary(["Linear"], [4]), plane: false })).toBe("tabular");
    expect(dataKind({ summary: summary(["Embedding"], [16]), plane: false })).toBe("text");
    expect(pixelMax("digits")).toBe(16);
    expect(pixelMax("mnist")).toBe(255);
    expect(pixelMax(null, [1, 8, 8])).toBe(16);
    expect(pixelMax(null, [1, 28, 28])).toBe(255);
  });
});
