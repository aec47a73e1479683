import { describe, expect, it } from "vitest";
import type { Catalog, SpecJson } from "../api/types";
import { shortPath, sweepFields } from "./sweepFields";

const catalog = {
  layers: [
    {
      type: "Linear",
      description: "",
      category: "layer",
      params: [
        { name: "activation", required: false, choices: "activations", default: null },
        { name: "out_features", required: true, type: "integer", minimum: 1 },
        { name: "bias", required: false, type: "boolean", default: true },
      ],
    },
    {
      type: "Dropout",
      description: "",
      category: "layer",
      params: [
        { name: "p", required: false, type: "number", minimum: 0, maximum: 1, default: 0.5 },
      ],
    },
  ],
  activations: [
    { type: "ReLU", description: "", category: "activation", params: [] },
    { type: "Tanh", description: "", category: "activation", params: [] },
  ],
  optimizers: [
    {
      type: "SGD",
      description: "",
      category: null,
      params: [
        { name: "lr", required: false, type: "number", exclusiveMinimum: 0, default: 0.01 },
        { name: "momentum", required: false, type: "number", minimum: 0, default: 0 },
      ],
    },
    { type: "Adam", description: "", category: null, params: [] },
    { type: "Perceptron", description: "", category: null, params: [] },
  ],
  training: [
    { name: "epochs", required: false, type: "integer", minimum: 1, default: 20 },
    {
      name: "batch_size",
      required: false,
      anyOf: [
        { type: "integer", minimum: 1, maximum: 65536 },
        { const: "full", type: "string" },
      ],
      default: 32,
    },
    { name: "l2", required: false, type: "number", minimum: 0, maximum: 10, default: 0 },
    { name: "device", required: false, type: "string", default: "auto" },
    { name: "optimizer", required: false, choices: "optimizers" },
  ],
  losses: [],
  schedulers: [],
  inits: [],
  objects: {},
  views: [],
  datasets: [
    {
      id: "spiral",
      title: "",
      description: "",
      task: "classification",
      kind: "2d",
      params: [{ name: "noise", required: false, type: "number", minimum: 0, default: 0.1 }],
    },
  ],
} as unknown as Catalog;

const spec: SpecJson = {
  data: { dataset: "spiral" },
  model: {
    layers: [
      { type: "Linear", out_features: 8, activation: { type: "Tanh" } },
      { type: "Tanh" },
      { type: "Dropout", p: 0.2 },
      { type: "Linear", out_features: 2 },
    ],
  },
  training: { batch_size: 10, optimizer: { type: "SGD", lr: 0.03 } },
};

describe("sweepFields", () => {
  const fields = sweepFields(spec, catalog);
  const byPath = new Map(fields.map((f) => [f.path, f]));

  it("lists the optimizer first, then training, layers and data, with current values", () => {
    expect(fields.map((f) => f.path)).toEqual([
      "training.optimizer.type",
      "training.optimizer.lr",
      "training.optimizer.momentum",
      "training.epochs",
      "training.batch_size",
      "training.l2",
      "model.layers[0].activation",
      "model.layers[0].out_features",
      "model.layers[1].type",
      "model.layers[2].p",
      "model.layers[3].activation",
      "model.layers[3].out_features",
      "data.noise",
    ]);
    expect(byPath.get("training.optimizer.lr")).toMatchObject({
      kind: "number",
      current: 0.03,
      log: true,
    });
    expect(byPath.get("training.optimizer.momentum")).toMatchObject({ current: 0, log: false });
    expect(byPath.get("data.noise")).toMatchObject({ current: 0.1 });
  });

  it("sweeps batch_size as its integer variant and activations by name", () => {
    expect(byPath.get("training.batch_size")).toMatchObject({
      kind: "number",
      integer: true,
      min: 1,
      max: 65536,
      current: 10,
    });
    expect(byPath.get("model.layers[0].activation")).toMatchObject({
      kind: "choice",
      options: ["ReLU", "Tanh"],
      current: "Tanh",
    });
    expect(byPath.get("model.layers[1].type")).toMatchObject({ kind: "choice", current: "Tanh" });
    expect(byPath.get("training.optimizer.type")).toMatchObject({ options: ["SGD", "Adam"] });
  });

  it("leaves out where a run happens and booleans", () => {
    expect(byPath.has("training.device")).toBe(false);
    expect(byPath.has("model.layers[0].bias")).toBe(false);
  });

  it("shortens paths for labels", () => {
    expect(shortPath("training.optimizer.lr")).toBe("lr");
    expect(shortPath("training.optimizer.type")).toBe("optimizer");
    expect(shortPath("training.batch_size")).toBe("batch_size");
    expect(shortPath("model.layers[0].out_features")).toBe("layers[0].out_features");
    expect(shortPath("data.noise")).toBe("data.noise");
  });
});
