import { describe, expect, it } from "vitest";
import { bodyKey, exampleSequence, parseSequence, viewBody } from "./inspectRequest";

describe("inspect requests", () => {
  it("defaults the epoch to last and leaves undefined fields out", () => {
    expect(viewBody("neurons", null)).toEqual({ view: "neurons", epoch: "last" });
    expect(viewBody("saliency", 3, { index: 2, target: undefined })).toEqual({
      view: "saliency",
      epoch: 3,
      index: 2,
    });
    expect(bodyKey(1, viewBody("weights", 2))).not.toBe(bodyKey(1, viewBody("weights", 3)));
  });

  it("parses one-feature sequences and says what does not fit", () => {
    expect(parseSequence("1, 2 3", [3, 1])).toEqual({ input: [[1], [2], [3]] });
    expect(parseSequence("1, 2", [3, 1])).toEqual({
      error: "This model reads 3 steps; you typed 2.",
    });
    expect(parseSequence("1, x, 3", [3, 1])).toHaveProperty("error");
    expect(parseSequence("1 2; 3 4", [2, 2])).toEqual({
      input: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(parseSequence("1 2; 3", [2, 2])).toEqual({ error: "Each step needs 2 numbers." });
  });

  it("an example that parses back", () => {
    const ex = exampleSequence([20, 1]);
    const parsed = parseSequence(ex, [20, 1]);
    expect("input" in parsed && parsed.input.length).toBe(20);
  });
});
