import { describe, expect, it } from "vitest";
import type { Catalog } from "../api/types";
import { makeRun } from "../test/factories";
import { lastEpoch, sharedPlaneDataset } from "./inspectCompare";

const catalog = {
  datasets: [
    { id: "spiral", kind: "2d" },
    { id: "moons", kind: "2d" },
    { id: "digits", kind: "image" },
  ],
} as unknown as Catalog;

describe("compare boundaries", () => {
  it("only when every run learns the same 2-D set", () => {
    const a = makeRun({ id: 1, dataset: "spiral" });
    const b = makeRun({ id: 2, dataset: "spiral" });
    expect(sharedPlaneDataset([a, b], catalog)).toBe("spiral");
    expect(sharedPlaneDataset([a], catalog)).toBeNull();
    expect(sharedPlaneDataset([a, makeRun({ id: 3, dataset: "moons" })], catalog)).toBeNull();
    const d = makeRun({ dataset: "digits" });
    expect(sharedPlaneDataset([d, d], catalog)).toBeNull();
  });

  it("the slider reaches the furthest run", () => {
    const a = makeRun({ epochs_done: 4 });
    const b = makeRun({ epochs_done: 9 });
    expect(lastEpoch([a, b])).toBe(9);
    expect(
      lastEpoch([makeRun({ epochs_done: 0, spec: { ...a.spec, training: { epochs: 7 } } })]),
    ).toBe(7);
  });
});
