import { describe, expect, it } from "vitest";
import type { Catalog, Upload } from "../api/types";
import { starterSpec } from "./spec";
import { chooseUpload, filesProblem, formatBytes, idxRole, uploadLabel } from "./uploads";

const catalog = {
  datasets: [
    {
      id: "upload",
      params: [
        { name: "upload", required: true, type: "integer" },
        { name: "target", required: false, type: "string" },
        { name: "seed", required: false, type: "integer" },
      ],
    },
  ],
} as unknown as Catalog;

describe("uploads", () => {
  it("chooses an upload as the data set, keeping shared options", () => {
    const spec = { ...starterSpec(), data: { dataset: "spiral", seed: 3, noise: 0.2 } };
    expect(chooseUpload(spec, catalog, 7).data).toEqual({ dataset: "upload", seed: 3, upload: 7 });
  });

  it("accepts one file or the four IDX files", () => {
    expect(filesProblem(["a.csv"])).toBeNull();
    const four = [
      "train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz",
      "t10k-images.idx3-ubyte",
      "t10k-labels-idx1-ubyte",
    ];
    expect(filesProblem(four)).toBeNull();
    expect(filesProblem(["a.csv", "b.csv"])).toMatch(/got 2/);
    expect(filesProblem([...four.slice(0, 3), "x.csv"])).toMatch(/four IDX files/);
    expect(idxRole("TRAIN_IMAGES-IDX3-UBYTE.GZ")).toBe("train-images-idx3-ubyte");
  });

  it("labels uploads and sizes for people", () => {
    const u = { name: "p.csv", kind: "csv", shapes: { x: [120, 2] }, task: "classification" };
    expect(uploadLabel(u as unknown as Upload)).toBe("p.csv — CSV, 120 × 2, classification");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1_234_567)).toBe("1.2 MB");
    expect(formatBytes(47_000_000)).toBe("47 MB");
  });
});
