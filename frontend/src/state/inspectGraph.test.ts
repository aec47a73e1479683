import { describe, expect, it } from "vitest";
import {
  edgeEnds,
  edgeStyle,
  graphLayout,
  incomingWeights,
  NEGATIVE,
  POSITIVE,
  shownUnits,
  unitPictures,
} from "./inspectGraph";

describe("graph layout", () => {
  const layers = [
    {
      layer: "model.layers[0]",
      label: "Linear · Tanh",
      units: 3,
      weights: [
        [1, -2],
        [0.5, 0],
        [-1, 1],
      ],
    },
    {
      layer: "model.layers[2]",
      label: "Linear",
      units: 2,
      weights: [
        [2, 0, -4],
        [1, 1, 1],
      ],
    },
  ];

  it("one column per layer after the inputs, ids as spec path and index", () => {
    const g = graphLayout(["x", "y"], layers, { node: 40, gapX: 60, gapY: 10 });
    expect(g.columns.map((c) => c.key)).toEqual(["input", "model.layers[0]", "model.layers[2]"]);
    expect(g.columns[1].nodes.map((n) => n.id)).toEqual([
      "model.layers[0]:0",
      "model.layers[0]:1",
      "model.layers[0]:2",
    ]);
    expect(g.columns[2].x).toBe(200);
    expect(g.width).toBe(240);
    // Shorter columns are centred on the tallest.
    expect(g.columns[1].nodes[0].y).toBeLessThan(g.columns[0].nodes[0].y);
  });

  it("edges: sign as colour, size as width on one scale", () => {
    const g = graphLayout(["x", "y"], layers, { maxWidth: 5 });
    expect(g.edges).toHaveLength(6 + 6);
    const strongest = g.edges.find((e) => e.weight === -4);
    expect(strongest?.color).toBe(NEGATIVE);
    expect(strongest?.width).toBe(5);
    expect(g.edges.find((e) => e.weight === 2)?.color).toBe(POSITIVE);
    expect(edgeStyle(0, 4, 5)).toEqual({ width: 0.5, opacity: 0.25 });
    const ends = edgeEnds(g, g.edges[0]);
    expect(ends?.[0]).toBe(40); // out of the input's right side
  });

  it("wide layers: the first units and how many more", () => {
    expect(shownUnits(20, 8)).toEqual({ shown: 8, more: 12 });
    const wide = [{ layer: "model.layers[0]", label: "Linear", units: 20, weights: null }];
    const g = graphLayout(["x", "y"], wide, { maxUnits: 8 });
    expect(g.columns[1].nodes).toHaveLength(8);
    expect(g.columns[1].more).toBe(12);
    expect(g.edges).toHaveLength(0);
  });

  it("the weights into a unit, strongest first", () => {
    const g = graphLayout(["x", "y"], layers);
    expect(incomingWeights(g, "model.layers[2]:0").map((w) => w.weight)).toEqual([-4, 2, 0]);
  });
});

describe("unit pictures", () => {
  it("one per feature and unit, on one colour range per layer", () => {
    const grid = (lo: number, hi: number) => ({ shape: [1, 1], lo, hi, data: btoa("\0") });
    const pics = unitPictures({
      epoch: 0,
      xRange: [0, 1],
      yRange: [0, 1],
      features: [{ ...grid(-1, 1), name: "x" }],
      layers: [
        {
          layer: "model.layers[0]",
          type: "Linear",
          activation: "Tanh",
          units: [grid(-0.5, 0.2), grid(-0.1, 0.9)],
        },
      ],
    });
    expect([...pics.keys()]).toEqual(["input:0", "model.layers[0]:0", "model.layers[0]:1"]);
    expect(pics.get("model.layers[0]:0")).toMatchObject({ lo: -0.5, hi: 0.9 });
  });
});
