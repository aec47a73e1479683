import { describe, expect, it } from "vitest";
import { CUSTOM, loadPresets, PRESETS, presetOnScreen } from "./presets";

describe("presets", () => {
  it("every example says what to see and what it expects", () => {
    expect(PRESETS.length).toBeGreaterThan(10);
    for (const p of PRESETS) {
      expect(p.description, p.id).toMatch(/See:/);
      expect(Object.keys(p.spec.expect ?? {}).length, p.id).toBeGreaterThan(0);
    }
  });

  it("the picker follows the spec on screen: a preset's own spec, else custom", () => {
    const spiral = PRESETS.find((p) => p.id === "mlp_spiral");
    expect(spiral).toBeDefined();
    if (!spiral) return;
    expect(presetOnScreen(structuredClone(spiral.spec))).toBe("mlp_spiral");
    const edited = structuredClone(spiral.spec);
    edited.training = { ...edited.training, epochs: 5 };
    expect(presetOnScreen(edited)).toBe(CUSTOM);
  });

  it("skips files that are not specs", () => {
    const got = loadPresets({ "../x/a.json": { data: { dataset: "xor" }, model: { layers: [] } } });
    expect(got.map((p) => p.id)).toEqual(["a"]);
    expect(loadPresets({ "../x/b.json": { nope: 1 } })).toEqual([]);
  });
});
