import { describe, expect, it } from "vitest";
import type { Summary } from "../api/types";
import {
  describeSource,
  fromRunOf,
  isFrozen,
  parseEpoch,
  withFreeze,
  withFromRun,
} from "./transfer";

describe("transfer fields", () => {
  const layer = { type: "Linear", out_features: 8 };

  it("sets and clears from_run without touching other fields", () => {
    const set = withFromRun(layer, { run: 3, layer: "model.layers[0]", epoch: "last" });
    expect(set).toEqual({
      ...layer,
      from_run: { run: 3, layer: "model.layers[0]", epoch: "last" },
    });
    expect(fromRunOf(set)).toEqual({ run: 3, layer: "model.layers[0]", epoch: "last" });
    expect(withFromRun(set, null)).toEqual(layer);
    expect(fromRunOf(layer)).toBeNull();
  });

  it("freezes and unfreezes, leaving the default out", () => {
    const frozen = withFreeze(layer, true);
    expect(isFrozen(frozen)).toBe(true);
    expect(withFreeze(frozen, false)).toEqual(layer);
    expect(isFrozen(layer)).toBe(false);
  });

  it("reads epochs", () => {
    expect(parseEpoch("")).toBe("last");
    expect(parseEpoch(" last ")).toBe("last");
    expect(parseEpoch("12")).toBe(12);
    expect(parseEpoch("-1")).toBeNull();
    expect(parseEpoch("x")).toBeNull();
  });

  it("describes the source layer from its run's summary", () => {
    const summary = {
      layers: [
        {
          path: "model.layers[0]",
          type: "Linear",
          input_shape: [2],
          output_shape: [8],
          params: 24,
        },
      ],
    } as unknown as Summary;
    expect(describeSource(summary, "model.layers[0]")).toBe("Linear: 2 → 8, 24 params");
    expect(describeSource(summary, "model.layers[4]")).toBeNull();
    expect(describeSource(null, "model.layers[0]")).toBeNull();
  });
});
