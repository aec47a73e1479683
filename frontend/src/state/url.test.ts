import { describe, expect, it } from "vitest";
import { PRESETS } from "./presets";
import { formatHash, parseHash } from "./route";
import { starterSpec } from "./spec";
import { decodeSpec, encodeSpec } from "./url";

describe("spec in the URL", () => {
  it("round-trips every preset, including non-ASCII text", () => {
    for (const p of PRESETS) expect(decodeSpec(encodeSpec(p.spec))).toEqual(p.spec);
    const s = { ...starterSpec(), name: "Grüße — ∑ 🙂" };
    const token = encodeSpec(s);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSpec(token)).toEqual(s);
  });

  it("rejects damaged tokens and JSON that is not a spec", () => {
    expect(decodeSpec("not base64!!")).toBeNull();
    expect(decodeSpec(encodeSpec(starterSpec()).slice(0, 20))).toBeNull();
    expect(decodeSpec(btoa('{"a": 1}'))).toBeNull();
  });
});

describe("routes", () => {
  it("parses and formats every screen", () => {
    const cases = [
      { screen: "play" },
      { screen: "play", spec: "abc", run: 7 },
      { screen: "runs", filter: {} },
      {
        screen: "runs",
        filter: {
          status: "failed",
          name: "mlp",
          sort: "test_accuracy",
          descending: false,
          cursor: "xyz",
        },
      },
      { screen: "run", id: 12 },
      { screen: "compare", ids: [3, 1, 2] },
      { screen: "sweeps" },
      { screen: "sweep", id: 4 },
    ] as const;
    for (const r of cases) expect(parseHash(formatHash(r as never))).toEqual(r);
  });

  it("falls back to the playground and drops bad ids", () => {
    expect(parseHash("")).toEqual({ screen: "play" });
    expect(parseHash("#/nowhere")).toEqual({ screen: "play" });
    expect(parseHash("#/compare?ids=1,x,-2,1,99999999999999999999")).toEqual({
      screen: "compare",
      ids: [1],
    });
    expect(parseHash("#/play?run=abc")).toEqual({ screen: "play" });
    expect(parseHash("#/sweeps/x")).toEqual({ screen: "sweeps" });
  });
});

describe("presets", () => {
  it("bundles every example with a one-line description, featured first", () => {
    expect(PRESETS.length).toBeGreaterThanOrEqual(50);
    expect(PRESETS[0].id).toBe("perceptron_gaussian");
    expect(PRESETS.map((p) => p.id)).toContain("mlp_spiral");
    for (const p of PRESETS) expect(p.description.length).toBeGreaterThan(10);
  });
});
