import { describe, expect, it } from "vitest";
import type { ErrorItem, Summary } from "../api/types";
import { isBadLink, linkedSpec, looseErrors, problemsText, rowsByPath } from "./playground";
import { starterSpec } from "./spec";
import { encodeSpec } from "./url";

const error = (path: string, msg = "bad"): ErrorItem => ({ loc: [], path, msg, type: "x" });

describe("playground links", () => {
  const spec = starterSpec();
  const token = encodeSpec(spec);

  it("brings a followed link's spec, but not our own URL edit", () => {
    expect(linkedSpec(token, "other")).toEqual(spec);
    expect(linkedSpec(token, token)).toBeNull();
    expect(linkedSpec(undefined, token)).toBeNull();
    expect(linkedSpec("%%%", token)).toBeNull();
  });

  it("tells a damaged link", () => {
    expect(isBadLink("%%%")).toBe(true);
    expect(isBadLink(token)).toBe(false);
    expect(isBadLink(undefined)).toBe(false);
  });
});

describe("playground validation", () => {
  it("indexes layer rows by path", () => {
    const layers = [{ path: "model.layers[0]" }, { path: "model.layers[1]" }];
    const rows = rowsByPath({ layers } as unknown as Summary);
    expect([...rows.keys()]).toEqual(["model.layers[0]", "model.layers[1]"]);
    expect(rowsByPath(null).size).toBe(0);
  });

  it("spells out only the errors no field shows", () => {
    const errors = [
      error("model.layers[0].out_features"),
      error("data.n"),
      error("model", "too deep"),
    ];
    expect(looseErrors(errors).map((e) => e.path)).toEqual(["model"]);
    expect(problemsText(errors)).toBe("3 problems to fix before training: model: too deep");
    expect(problemsText([error("training.epochs")])).toBe("1 problem to fix before training");
    expect(problemsText([error("", "not a spec")])).toBe(
      "1 problem to fix before training: spec: not a spec",
    );
  });
});
