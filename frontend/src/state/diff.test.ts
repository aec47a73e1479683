import { describe, expect, it } from "vitest";
import type { JsonObject, SpecJson } from "../api/types";
import { diffSpecs, formatValue } from "./diff";
import { jsonEqual } from "./json";

/** A resolved spec as the server stores it (defaults filled in), with overrides. */
function spec(
  over: { data?: JsonObject; layers?: JsonObject[]; training?: JsonObject; name?: string } = {},
): SpecJson {
  return {
    name: over.name ?? "spiral-mlp",
    description: "",
    data: {
      dataset: "spiral",
      n_samples: 500,
      noise: 0.1,
      features: ["x", "y"],
      split: { val: 0.2, test: 0.2 },
      seed: 0,
      ...over.data,
    },
    model: {
      layers: over.layers ?? [
        { type: "Linear", out_features: 8, bias: true, activation: null },
        { type: "Tanh" },
        { type: "Linear", out_features: 2, bias: true, activation: null },
      ],
    },
    training: {
      epochs: 100,
      batch_size: 10,
      optimizer: { type: "SGD", lr: 0.03, momentum: 0.9 },
      early_stopping: null,
      seed: 0,
      ...over.training,
    },
  };
}

const paths = (rows: { path: string }[]) => rows.map((r) => r.path);

describe("diffSpecs", () => {
  it("finds nothing for identical specs", () => {
    expect(diffSpecs([spec(), spec()])).toEqual([]);
    expect(diffSpecs([spec(), spec(), spec()])).toEqual([]);
  });

  it("needs at least two specs", () => {
    expect(diffSpecs([])).toEqual([]);
    expect(diffSpecs([spec()])).toEqual([]);
  });

  it("gives exactly one row when only the learning rate differs", () => {
    const rows = diffSpecs([
      spec(),
      spec({ training: { optimizer: { type: "SGD", lr: 0.1, momentum: 0.9 } } }),
    ]);
    expect(rows).toEqual([{ path: "training.optimizer.lr", values: [0.03, 0.1] }]);
  });

  it("ignores key order", () => {
    const a = spec();
    const b: SpecJson = {
      training: {
        seed: 0,
        early_stopping: null,
        optimizer: { momentum: 0.9, lr: 0.03, type: "SGD" },
        batch_size: 10,
        epochs: 100,
      },
      model: { layers: a.model.layers.map((l) => Object.fromEntries(Object.entries(l).reverse())) },
      data: Object.fromEntries(Object.entries(a.data).reverse()) as SpecJson["data"],
      description: "",
      name: "spiral-mlp",
    };
    expect(diffSpecs([a, b])).toEqual([]);
  });

  it("excludes name and description", () => {
    const b = { ...spec({ name: "other" }), description: "a different note" };
    expect(diffSpecs([spec(), b])).toEqual([]);
  });

  it("only excludes name at the top level", () => {
    const rows = diffSpecs([spec({ data: { name: "a" } }), spec({ data: { name: "b" } })]);
    expect(paths(rows)).toEqual(["data.name"]);
  });

  it("gives rows for every field of an extra layer, absent in the shorter spec", () => {
    const longer = spec({
      layers: [
        { type: "Linear", out_features: 8, bias: true, activation: null },
        { type: "Tanh" },
        { type: "Linear", out_features: 2, bias: true, activation: null },
        { type: "Softmax", dim: 1 },
      ],
    });
    const rows = diffSpecs([spec(), longer]);
    expect(rows).toEqual([
      { path: "model.layers[3].type", values: [undefined, "Softmax"] },
      { path: "model.layers[3].dim", values: [undefined, 1] },
    ]);
  });

  it("compares layers per index", () => {
    const b = spec({
      layers: [
        { type: "Linear", out_features: 16, bias: true, activation: null },
        { type: "ReLU" },
        { type: "Linear", out_features: 2, bias: true, activation: null },
      ],
    });
    expect(diffSpecs([spec(), b])).toEqual([
      { path: "model.layers[0].out_features", values: [8, 16] },
      { path: "model.layers[1].type", values: ["Tanh", "ReLU"] },
    ]);
  });

  it("compares arrays of plain values whole", () => {
    const rows = diffSpecs([spec(), spec({ data: { features: ["x", "y", "x2"] } })]);
    expect(rows).toEqual([
      {
        path: "data.features",
        values: [
          ["x", "y"],
          ["x", "y", "x2"],
        ],
      },
    ]);
  });

  it("descends into a sub-object that is null in another run", () => {
    const es = { monitor: "val_loss", patience: 5 };
    const rows = diffSpecs([spec(), spec({ training: { early_stopping: es } })]);
    expect(rows).toEqual([
      { path: "training.early_stopping.monitor", values: [undefined, "val_loss"] },
      { path: "training.early_stopping.patience", values: [undefined, 5] },
    ]);
  });

  it("shows a value that changes kind as one row", () => {
    const a = spec({ layers: [{ type: "Linear", out_features: 2, activation: "ReLU" }] });
    const b = spec({
      layers: [
        { type: "Linear", out_features: 2, activation: { type: "LeakyReLU", negative_slope: 0.2 } },
      ],
    });
    expect(diffSpecs([a, b])).toEqual([
      {
        path: "model.layers[0].activation",
        values: ["ReLU", { type: "LeakyReLU", negative_slope: 0.2 }],
      },
    ]);
  });

  it("reports a field present in one run only", () => {
    const rows = diffSpecs([
      spec(),
      spec({ training: { scheduler: { type: "StepLR", step_size: 10 } } }),
    ]);
    expect(rows).toEqual([
      { path: "training.scheduler.type", values: [undefined, "StepLR"] },
      { path: "training.scheduler.step_size", values: [undefined, 10] },
    ]);
  });

  it("lists a row when any one of several runs differs, with one value per run", () => {
    const rows = diffSpecs([spec(), spec(), spec({ data: { noise: 0.3 } })]);
    expect(rows).toEqual([{ path: "data.noise", values: [0.1, 0.1, 0.3] }]);
  });

  it("orders rows as the fields first appear: data, model, training", () => {
    const b = spec({
      data: { noise: 0.2 },
      training: { epochs: 50 },
      layers: [{ type: "Linear", out_features: 3 }],
    });
    const rows = paths(diffSpecs([spec(), b]));
    expect(rows[0]).toBe("data.noise");
    expect(rows[rows.length - 1]).toBe("training.epochs");
    expect(rows).toContain("model.layers[1].type");
  });

  it("distinguishes null from a missing field and from false", () => {
    const rows = diffSpecs([
      spec({ training: { grad_clip: null } }),
      spec({ training: { grad_clip: false } }),
      spec(),
    ]);
    expect(rows).toEqual([{ path: "training.grad_clip", values: [null, false, undefined] }]);
  });
});

describe("jsonEqual", () => {
  it("compares deeply, ignoring key order", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(null, undefined)).toBe(false);
    expect(jsonEqual(0, false)).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
  });
});

describe("formatValue", () => {
  it("renders cells", () => {
    expect(formatValue(undefined)).toBe("—");
    expect(formatValue("Adam")).toBe("Adam");
    expect(formatValue(0.001)).toBe("0.001");
    expect(formatValue(true)).toBe("true");
    expect(formatValue(null)).toBe("null");
    expect(formatValue(["x", "y"])).toBe('["x","y"]');
  });
});
