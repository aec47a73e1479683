import { describe, expect, it } from "vitest";
import type { DataPreview } from "../../api/client";
import { labelOf, visible } from "./label";

describe("preview labels", () => {
  it("names classes, and shows regression targets as they are", () => {
    const cls = { task: "classification", class_names: ["cat", "dog"] } as unknown as DataPreview;
    expect([0, 1, 2, "x"].map(labelOf(cls))).toEqual(["cat", "dog", "2", "x"]);
    const reg = { task: "regression" } as unknown as DataPreview;
    expect(labelOf(reg)(0.5)).toBe("0.5");
  });

  it("makes newlines and tabs visible", () => {
    expect(visible("a\nb\tc")).toBe("a⏎b⇥c");
  });
});
