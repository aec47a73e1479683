import { describe, expect, it } from "vitest";
import { fieldText, fromSlider, learnerLabel, toSlider } from "./labels";

describe("learner labels", () => {
  it("speak learner words and keep the PyTorch name", () => {
    expect(fieldText({ name: "n_samples", description: "how many points" })).toEqual({
      label: "samples",
      pyName: "n_samples",
      help: "how many points",
    });
    expect(learnerLabel("out_features")).toBe("output units");
    expect(learnerLabel("boundary_every")).toBe("boundary every N epochs");
  });

  it("fall back to the name with spaces; no PyTorch name when it says the same", () => {
    expect(learnerLabel("some_new_field")).toBe("some new field");
    expect(fieldText({ name: "epochs" })).toEqual({ label: "epochs", pyName: null, help: "" });
  });
});

describe("the learning-rate slider", () => {
  const range: [number, number] = [1e-5, 10];

  it("moves on a log scale, clamped to its range", () => {
    expect(toSlider(0.01, range)).toBeCloseTo(-2);
    expect(toSlider(1e-9, range)).toBeCloseTo(-5);
    expect(toSlider(100, range)).toBeCloseTo(1);
    expect(toSlider(Number.NaN, range)).toBeCloseTo(-5);
  });

  it("gives round values back", () => {
    expect(fromSlider(-2)).toBe(0.01);
    expect(fromSlider(-1.5)).toBe(0.032);
    expect(fromSlider(1)).toBe(10);
    expect(fromSlider(toSlider(0.03, range))).toBe(0.03);
  });
});
