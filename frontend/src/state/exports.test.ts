import { describe, expect, it } from "vitest";
import { exportLinks } from "./exports";

describe("exportLinks", () => {
  it("links every format of the run, each with a line saying what it is", () => {
    const links = exportLinks(7);
    expect(links.map((l) => l.format)).toEqual(["zip", "pytorch", "safetensors", "onnx", "spec"]);
    expect(links[0].href).toBe("/api/runs/7/export?format=zip&epoch=last");
    for (const l of links) expect(l.what.length).toBeGreaterThan(10);
  });
});
