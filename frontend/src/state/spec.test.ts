import { describe, expect, it } from "vitest";
import type { Catalog, Param, SpecJson } from "../api/types";
import { layerSpecLabel } from "./runsTable";
import {
  asSpec,
  duplicateLayer,
  getLayer,
  insertLayer,
  layerPath,
  moveLayer,
  newLayer,
  removeLayer,
  retypeLayer,
  setDataset,
  setField,
  starterSpec,
} from "./spec";

const catalog = {
  layers: [
    {
      type: "Linear",
      description: "",
      category: "layer",
      params: [
        { name: "out_features", required: true, type: "integer", minimum: 1 },
        { name: "bias", required: false, type: "boolean", default: true },
      ],
    },
    {
      type: "Residual",
      description: "",
      category: "layer",
      params: [{ name: "layers", required: true, type: "array" }],
    },
    {
      type: "Conv2d",
      description: "",
      category: "layer",
      params: [
        { name: "out_channels", required: true, type: "integer" },
        { name: "groups", required: true, type: "integer", minimum: 1 },
      ],
    },
  ],
  activations: [{ type: "ReLU", description: "", category: "activation", params: [] }],
  losses: [],
  optimizers: [],
  schedulers: [],
  inits: [],
  datasets: [
    {
      id: "spiral",
      title: "",
      description: "",
      task: "classification",
      kind: "2d",
      params: [
        { name: "noise", required: false, default: 0.1 },
        { name: "turns", required: false, default: 1.25 },
      ],
    },
    {
      id: "circle",
      title: "",
      description: "",
      task: "classification",
      kind: "2d",
      params: [{ name: "noise", required: false, default: 0.1 }],
    },
  ],
} as unknown as Catalog;

function spec(layers: object[]): SpecJson {
  return {
    data: { dataset: "spiral" },
    model: { layers: layers as SpecJson["model"]["layers"] },
    training: {},
  };
}

describe("layer stack operations", () => {
  const base = spec([
    { type: "Linear", out_features: 4 },
    { type: "ReLU" },
    { type: "Linear", out_features: 2 },
  ]);

  it("inserts, appends, removes and duplicates without touching the original", () => {
    const ins = insertLayer(base, [1], { type: "Linear", out_features: 9 });
    expect(ins.model.layers.map((l) => l.out_features ?? l.type)).toEqual([4, 9, "ReLU", 2]);
    expect(insertLayer(base, [3], { type: "ReLU" }).model.layers).toHaveLength(4);
    expect(removeLayer(base, [0]).model.layers.map((l) => l.type)).toEqual(["ReLU", "Linear"]);
    const dup = duplicateLayer(base, [0]);
    expect(dup.model.layers[1]).toEqual({ type: "Linear", out_features: 4 });
    expect(dup.model.layers[1]).not.toBe(dup.model.layers[0]);
    expect(base.model.layers).toHaveLength(3);
  });

  it("moves within bounds and ignores moves past either end", () => {
    expect(moveLayer(base, [0], 1).model.layers.map((l) => l.type)).toEqual([
      "ReLU",
      "Linear",
      "Linear",
    ]);
    expect(moveLayer(base, [0], -1)).toEqual(base);
    expect(moveLayer(base, [2], 1)).toEqual(base);
  });

  it("edits inside a residual block's own stack", () => {
    const res = spec([{ type: "Residual", layers: [{ type: "Linear", out_features: 4 }] }]);
    const out = insertLayer(res, [0, 1], { type: "ReLU" });
    expect(getLayer(out, [0, 1])).toEqual({ type: "ReLU" });
    expect(removeLayer(out, [0, 0]).model.layers[0].layers).toEqual([{ type: "ReLU" }]);
    expect(layerPath([0, 1])).toBe("model.layers[0].layers[1]");
  });
});

describe("fields and defaults", () => {
  const p: Param = { name: "bias", required: false, default: true };
  it("drops a value equal to its default and keeps others", () => {
    expect(setField({ type: "Linear", bias: false }, p, "bias", true)).toEqual({ type: "Linear" });
    expect(setField({ type: "Linear" }, p, "bias", false)).toEqual({ type: "Linear", bias: false });
  });

  it("fills required fields of a new layer", () => {
    expect(newLayer(catalog, "Linear")).toEqual({ type: "Linear", out_features: 8 });
    expect(newLayer(catalog, "Residual")).toEqual({ type: "Residual", layers: [] });
    expect(newLayer(catalog, "Conv2d")).toEqual({ type: "Conv2d", out_channels: 8, groups: 1 });
    expect(newLayer(catalog, "ReLU")).toEqual({ type: "ReLU" });
  });

  it("keeps the activation when a layer changes type, except into a Residual block", () => {
    const dense = { type: "Linear", out_features: 4, activation: "Tanh" };
    expect(retypeLayer(catalog, dense, "Conv2d")).toEqual({
      type: "Conv2d",
      out_channels: 8,
      groups: 1,
      activation: "Tanh",
    });
    expect(retypeLayer(catalog, dense, "Residual")).toEqual({ type: "Residual", layers: [] });
    expect(retypeLayer(catalog, { type: "ReLU" }, "Linear")).toEqual({
      type: "Linear",
      out_features: 8,
    });
  });

  it("keeps only the data params the new data set shares", () => {
    const s = { ...spec([]), data: { dataset: "spiral", noise: 0.3, turns: 2 } };
    expect(setDataset(s, catalog, "circle").data).toEqual({ dataset: "circle", noise: 0.3 });
  });

  it("labels layers like the server does (the runs table's labels)", () => {
    expect(layerSpecLabel({ type: "Linear", out_features: 8, activation: "Tanh" })).toBe(
      "Linear(8) + Tanh",
    );
    expect(layerSpecLabel({ type: "Linear", out_features: 8, activation: { type: "ReLU" } })).toBe(
      "Linear(8) + ReLU",
    );
  });
});

describe("asSpec", () => {
  it("accepts a spec and rejects other JSON", () => {
    expect(asSpec(starterSpec())).not.toBeNull();
    expect(asSpec({ data: {}, model: { layers: [] } })).toBeNull();
    expect(asSpec({ data: { dataset: "x" }, model: { layers: [1] } })).toBeNull();
    expect(asSpec([1, 2])).toBeNull();
    expect(asSpec({ data: { dataset: "x" }, model: { layers: [] } })?.training).toEqual({});
  });
});
