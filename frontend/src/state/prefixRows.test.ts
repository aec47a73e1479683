import { describe, expect, it } from "vitest";
import type { ErrorItem, LayerRow, SpecJson, Summary } from "../api/types";
import { firstBadLayer, layerRows } from "./prefixRows";

const err = (path: string): ErrorItem => ({ loc: [], path, msg: "bad", type: "x" });
const row = (path: string, out: number): LayerRow =>
  ({ path, label: "L", output_shape: [out], params: out * 2, flops: 0 }) as unknown as LayerRow;

const spec = (outs: number[]): SpecJson => ({
  data: { dataset: "spiral" },
  model: { layers: outs.map((o) => ({ type: "Linear", out_features: o })) },
  training: {},
});
const summary = (outs: number[]): Summary =>
  ({ layers: outs.map((o, i) => row(`model.layers[${i}]`, o)) }) as unknown as Summary;

describe("valid-prefix shapes", () => {
  const good = { spec: spec([8, 8, 2]), summary: summary([8, 8, 2]) };

  it("a valid spec shows every row", () => {
    const rows = layerRows(good.spec, good.summary, [], good);
    expect([...rows.keys()]).toEqual(["model.layers[0]", "model.layers[1]", "model.layers[2]"]);
  });

  it("layers before the first error keep the last good rows", () => {
    const now = spec([8, 8, 2]);
    now.model.layers[1] = { type: "Conv2d", out_channels: 4 }; // breaks layer 1
    const rows = layerRows(now, null, [err("model.layers[1]")], good);
    expect([...rows.keys()]).toEqual(["model.layers[0]"]);
    expect(rows.get("model.layers[0]")?.output_shape).toEqual([8]);
  });

  it("a layer that changed since the good validation loses its row (and those after it)", () => {
    const now = spec([16, 8, 2]);
    now.model.layers.push({ type: "Bad" });
    const rows = layerRows(now, null, [err("model.layers[3]")], good);
    expect(rows.size).toBe(0);
  });

  it("nested rows of a kept layer stay; other data means nothing is known", () => {
    const withInner = {
      spec: good.spec,
      summary: {
        layers: [...good.summary.layers, row("model.layers[0].layers[0]", 3)],
      } as unknown as Summary,
    };
    const rows = layerRows(spec([8, 8, 2]), null, [err("model.layers[2]")], withInner);
    expect(rows.has("model.layers[0].layers[0]")).toBe(true);
    const other = { ...spec([8, 8, 2]), data: { dataset: "circle" } };
    expect(layerRows(other, null, [err("model.layers[2]")], withInner).size).toBe(0);
  });

  it("knows which layer is in doubt", () => {
    expect(firstBadLayer([err("model.layers[3].kernel_size"), err("model.layers[1]")])).toBe(1);
    expect(firstBadLayer([err("training.optimizer.lr")])).toBe(Number.POSITIVE_INFINITY);
    expect(firstBadLayer([err("data.noise")])).toBe(0);
    expect(firstBadLayer([err("model")])).toBe(0);
  });

  it("a training error keeps every unchanged layer's row", () => {
    const rows = layerRows(good.spec, null, [err("training.epochs")], good);
    expect(rows.size).toBe(3);
  });
});
