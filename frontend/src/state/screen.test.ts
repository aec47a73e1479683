import { describe, expect, it } from "vitest";
import type { SpecJson } from "../api/types";
import { initialScreen, screenReducer } from "./screen";

const spec = (dataset: string): SpecJson => ({
  data: { dataset },
  model: { layers: [{ type: "Linear", out_features: 2 }] },
  training: {},
});

describe("the spec on screen", () => {
  it("keeps the generation and the run through edits", () => {
    const s0 = initialScreen(spec("circle"), 4);
    const s1 = screenReducer(s0, {
      type: "edit",
      edit: (s) => ({ ...s, data: { ...s.data, noise: 0.2 } }),
    });
    expect(s1.spec.data.noise).toBe(0.2);
    expect(s1.generation).toBe(0);
    expect(s1.runId).toBe(4);
  });

  it("loading a preset clears the run on screen and starts a new generation", () => {
    const s0 = initialScreen(spec("circle"), 4);
    const s1 = screenReducer(s0, { type: "load", spec: spec("digits") });
    expect(s1.spec.data.dataset).toBe("digits");
    expect(s1.runId).toBeUndefined();
    expect(s1.generation).toBe(1);
  });

  it("a followed link brings its spec and its own run (or none)", () => {
    const s0 = initialScreen(spec("circle"), 4);
    const withRun = screenReducer(s0, { type: "link", spec: spec("xor"), runId: 9 });
    expect(withRun).toMatchObject({ generation: 1, runId: 9 });
    const noRun = screenReducer(s0, { type: "link", spec: spec("xor"), runId: undefined });
    expect(noRun.runId).toBeUndefined();
  });

  it("a link with only a run keeps the spec; our own URL is no change at all", () => {
    const s0 = initialScreen(spec("circle"), 4);
    expect(screenReducer(s0, { type: "link", spec: null, runId: 4 })).toBe(s0);
    expect(screenReducer(s0, { type: "link", spec: null, runId: undefined })).toBe(s0);
    const s1 = screenReducer(s0, { type: "link", spec: null, runId: 7 });
    expect(s1).toMatchObject({ spec: s0.spec, generation: 0, runId: 7 });
  });

  it("Train puts the new run on screen", () => {
    const s1 = screenReducer(initialScreen(spec("circle"), undefined), { type: "run", runId: 3 });
    expect(s1.runId).toBe(3);
    expect(s1.generation).toBe(0);
  });
});
