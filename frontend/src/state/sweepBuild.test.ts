import { describe, expect, it } from "vitest";
import type { SpecJson } from "../api/types";
import {
  buildSweep,
  canDraw,
  newAxis,
  parseDist,
  parseList,
  parseRange,
  rangePoints,
  type SweepAxis,
  sweepErrors,
  trialCount,
} from "./sweepBuild";
import type { SweepField } from "./sweepFields";

const lr: SweepField = {
  path: "training.optimizer.lr",
  kind: "number",
  integer: false,
  min: 0,
  max: 100,
  log: true,
  current: 0.03,
  help: "",
};
const width: SweepField = {
  path: "model.layers[0].out_features",
  kind: "number",
  integer: true,
  min: 1,
  log: false,
  current: 8,
  help: "",
};
const act: SweepField = {
  path: "model.layers[0].activation",
  kind: "choice",
  options: ["ReLU", "Tanh"],
  current: "Tanh",
  help: "",
};
const spec: SpecJson = {
  name: "spiral",
  data: { dataset: "spiral" },
  model: { layers: [{ type: "Linear", out_features: 8 }] },
  training: {},
};

const axis = (field: SweepField, over: Partial<SweepAxis> = {}): SweepAxis => ({
  ...newAxis(field),
  ...over,
});

describe("values of one field", () => {
  it("parses a comma list, dropping repeats", () => {
    expect(parseList("0.01, 0.1,0.1 , 1e-3", lr)).toEqual({ ok: true, values: [0.01, 0.1, 0.001] });
    expect(parseList("relu, Tanh", act)).toEqual({ ok: true, values: ["ReLU", "Tanh"] });
  });

  it("says what is wrong with a value", () => {
    expect(parseList("", lr)).toEqual({ ok: false, error: "give at least one value" });
    expect(parseList("0.1, fast", lr)).toEqual({ ok: false, error: '"fast" is not a number' });
    expect(parseList("4, 8.5", width)).toEqual({ ok: false, error: "8.5 is not a whole number" });
    expect(parseList("0", width).ok).toBe(false);
    expect(parseList("Sigmoid", act)).toEqual({
      ok: false,
      error: '"Sigmoid" is not one of ReLU, Tanh',
    });
  });

  it("spaces a log range in powers of ten and a linear one evenly", () => {
    expect(rangePoints(0.001, 0.1, 3, "log")).toEqual([0.001, 0.01, 0.1]);
    expect(rangePoints(0.001, 1, 4, "log")).toEqual([0.001, 0.01, 0.1, 1]);
    expect(rangePoints(0, 0.3, 4, "linear")).toEqual([0, 0.1, 0.2, 0.3]);
    expect(rangePoints(5, 9, 1, "linear")).toEqual([5]);
  });

  it("checks a range and rounds an integer field's points", () => {
    const r = (over: Partial<SweepAxis>, f: SweepField = lr) =>
      parseRange(axis(f, { mode: "range", ...over }), f);
    expect(r({ lo: "0.001", hi: "0.1", n: "3", scale: "log" })).toEqual({
      ok: true,
      values: [0.001, 0.01, 0.1],
    });
    expect(r({ lo: "0", hi: "0.1", n: "3", scale: "log" })).toEqual({
      ok: false,
      error: "a log range needs a start above 0",
    });
    expect(r({ lo: "1", hi: "0.1", n: "3" }).ok).toBe(false);
    expect(r({ lo: "0.1", hi: "1", n: "0" }).ok).toBe(false);
    expect(r({ lo: "2", hi: "16", n: "4", scale: "log" }, width)).toEqual({
      ok: true,
      values: [2, 4, 8, 16],
    });
    expect(r({ lo: "2", hi: "3", n: "5", scale: "linear" }, width)).toEqual({
      ok: true,
      values: [2, 3],
    });
  });

  it("starts a new axis from the field's current value", () => {
    expect(newAxis(lr)).toMatchObject({
      mode: "list",
      text: "0.03",
      lo: "0.003",
      hi: "0.3",
      scale: "log",
    });
    expect(newAxis(width)).toMatchObject({ text: "8", lo: "4", hi: "16", scale: "linear" });
  });
});

describe("the sweep", () => {
  it("counts every combination times the seeds", () => {
    expect(trialCount([2, 3], 2)).toBe(12);
    expect(trialCount([], 4)).toBe(4);
  });

  it("builds the POST body with the trial count", () => {
    const built = buildSweep(
      "",
      spec,
      [axis(lr, { text: "0.03, 0.3" }), axis(act, { text: "ReLU, Tanh" })],
      [lr, act],
      "2",
    );
    expect(built.trials).toBe(8);
    expect(built.errors).toEqual({});
    expect(built.request).toEqual({
      name: "spiral",
      base: spec,
      grid: {
        "training.optimizer.lr": [0.03, 0.3],
        "model.layers[0].activation": ["ReLU", "Tanh"],
      },
      seeds: 2,
    });
  });

  it("names the metric only when one was chosen", () => {
    expect(buildSweep("x", spec, [], [], "2").request).not.toHaveProperty("metric");
    expect(buildSweep("x", spec, [], [], "2", "8", "val_loss").request?.metric).toBe("val_loss");
  });

  it("holds back the body while a field or the seeds are wrong", () => {
    const built = buildSweep("x", spec, [axis(lr, { text: "big" })], [lr], "0");
    expect(built.request).toBeNull();
    expect(built.trials).toBe(0);
    expect(Object.keys(built.errors).sort()).toEqual(["seeds", "training.optimizer.lr"]);
    expect(buildSweep("x", spec, [axis(lr)], [], "1").errors[lr.path]).toMatch(/no longer/);
  });
});

describe("the server's 422 on the builder", () => {
  const paths = ["training.optimizer.lr", "model.layers[1].p", "model.layers[10].p"];
  it("puts grid and trial errors on their field, the rest apart", () => {
    const e = sweepErrors(
      [
        {
          loc: ["body", "grid", "training.optimizer.lr"],
          msg: "too many values",
          path: "",
          type: "x",
        },
        {
          loc: ["trials", 3, "model", "layers", 10, "p"],
          msg: "must be below 1",
          path: "trials[3].model.layers[10].p",
          type: "x",
        },
        { loc: ["trials", 1, "model", "layers", 0], msg: "bad shape", path: "", type: "x" },
        { loc: ["body", "seeds"], msg: "at most 16", path: "seeds", type: "x" },
      ],
      paths,
    );
    expect(e.byPath).toEqual({
      "training.optimizer.lr": ["too many values"],
      "model.layers[10].p": ["trial 3: must be below 1"],
      seeds: ["at most 16"],
    });
    expect(e.general).toEqual(["trial 1, model.layers[0]: bad shape"]);
  });
});

describe("random samples", () => {
  it("draws log-uniform or uniform between the ends, n samples times the grid and seeds", () => {
    const built = buildSweep(
      "r",
      spec,
      [
        axis(lr, { mode: "random", lo: "0.001", hi: "0.1", scale: "log" }),
        axis(act, { text: "ReLU, Tanh" }),
      ],
      [lr, act],
      "2",
      "5",
    );
    expect(built.trials).toBe(20);
    expect(built.request?.grid).toEqual({ "model.layers[0].activation": ["ReLU", "Tanh"] });
    expect(built.request?.random).toEqual({
      "training.optimizer.lr": { log_uniform: [0.001, 0.1] },
      n: 5,
    });
    const uniform = buildSweep(
      "r",
      spec,
      [axis(lr, { mode: "random", lo: "0", hi: "1", scale: "linear" })],
      [lr],
      "1",
      "3",
    );
    expect(uniform.request?.random).toEqual({ "training.optimizer.lr": { uniform: [0, 1] }, n: 3 });
  });

  it("refuses a random whole-number field, a log range from 0 and a bad sample count", () => {
    expect(canDraw(width)).toBe(false);
    expect(parseDist(axis(width, { mode: "random" }), width).ok).toBe(false);
    expect(parseDist(axis(lr, { mode: "random", lo: "0", hi: "1", scale: "log" }), lr)).toEqual({
      ok: false,
      error: "a log range needs a start above 0",
    });
    const built = buildSweep("r", spec, [axis(lr, { mode: "random" })], [lr], "1", "0");
    expect(built.request).toBeNull();
    expect(Object.keys(built.errors)).toEqual(["samples"]);
    // Without a random field the sample count is not asked for.
    expect(buildSweep("r", spec, [axis(lr)], [lr], "1", "x").request?.random).toBeUndefined();
  });
});
