import { describe, expect, it } from "vitest";
import type { Param } from "../api/types";
import { choiceType, fieldKind, isDefining, parseText, splitParams, toText } from "./fields";

const p = (x: Partial<Param>): Param => ({ name: "f", required: false, ...x });

describe("fieldKind", () => {
  it("follows the server's hints", () => {
    expect(fieldKind(p({ choices: "activations", nullable: true } as Partial<Param>))).toEqual({
      kind: "choice",
      from: "activations",
      nullable: true,
    });
    expect(fieldKind(p({ choices: "layers" } as Partial<Param>))).toEqual({ kind: "layers" });
    expect(fieldKind(p({ object: "SplitSpec" } as Partial<Param>))).toEqual({
      kind: "object",
      name: "SplitSpec",
      nullable: false,
    });
  });

  it("reads JSON Schema for plain fields", () => {
    expect(fieldKind(p({ type: "boolean" }))).toEqual({ kind: "bool" });
    expect(fieldKind(p({ type: "integer", minimum: 1, maximum: 9 }))).toMatchObject({
      kind: "number",
      integer: true,
      min: 1,
      max: 9,
    });
    expect(
      fieldKind(p({ anyOf: [{ type: "integer", minimum: 10 }, { type: "null" }] })),
    ).toMatchObject({ kind: "number", integer: true, nullable: true, min: 10 });
    expect(fieldKind(p({ type: "string", enum: ["mean", "max"] }))).toMatchObject({
      kind: "enum",
      options: ["mean", "max"],
    });
    expect(fieldKind(p({ type: "array", items: { enum: ["x", "y"] } }))).toEqual({
      kind: "multi",
      options: ["x", "y"],
    });
    expect(fieldKind(p({ type: "array", items: { type: "integer" } }))).toEqual({
      kind: "numbers",
      integer: true,
    });
    expect(
      fieldKind(p({ type: "array", prefixItems: [{ type: "number" }, { type: "number" }] })),
    ).toEqual({ kind: "numbers", integer: false });
    expect(
      fieldKind(p({ anyOf: [{ type: "integer" }, { type: "array", items: { type: "integer" } }] })),
    ).toEqual({ kind: "text", nullable: false });
  });
});

describe("parseText", () => {
  it("parses numbers and rejects junk", () => {
    const int = { kind: "number", integer: true, nullable: false } as const;
    expect(parseText(" 12 ", int)).toEqual({ ok: true, value: 12 });
    expect(parseText("1.5", int)).toEqual({ ok: false, error: "must be a whole number" });
    expect(parseText("abc", int)).toEqual({ ok: false, error: "not a number" });
    expect(parseText("", int)).toEqual({ ok: false, error: "required" });
    expect(parseText("", { ...int, nullable: true })).toEqual({ ok: true, value: null });
    expect(parseText("1e-3", { kind: "number", integer: false, nullable: false })).toEqual({
      ok: true,
      value: 0.001,
    });
  });

  it("parses unions: a number, a list, or a word", () => {
    const u = { kind: "text", nullable: false } as const;
    expect(parseText("3", u)).toEqual({ ok: true, value: 3 });
    expect(parseText("3, 5", u)).toEqual({ ok: true, value: [3, 5] });
    expect(parseText("same", u)).toEqual({ ok: true, value: "same" });
    expect(parseText("1, 28, 28", { kind: "numbers", integer: true })).toEqual({
      ok: true,
      value: [1, 28, 28],
    });
    expect(parseText("1, x", { kind: "numbers", integer: true }).ok).toBe(false);
  });

  it("round-trips through toText", () => {
    expect(toText([0.9, 0.999])).toBe("0.9, 0.999");
    expect(toText(null)).toBe("");
    expect(choiceType("ReLU")).toBe("ReLU");
    expect(choiceType({ type: "Tanh" })).toBe("Tanh");
    expect(choiceType(null)).toBeNull();
  });
});

describe("splitParams", () => {
  const conv = [
    { name: "activation", required: false },
    { name: "init", required: false },
    { name: "out_channels", required: true },
    { name: "kernel_size", required: false, default: 3 },
    { name: "stride", required: false, default: 1 },
    { name: "padding", required: false, default: 0 },
    { name: "dilation", required: false, default: 1 },
    { name: "groups", required: false, default: 1 },
  ] as Param[];

  it("keeps a layer's defining fields in view even at their default", () => {
    const { main, more } = splitParams(conv, { type: "Conv2d", out_channels: 8 });
    expect(main.map((p) => p.name)).toEqual([
      "out_channels",
      "kernel_size",
      "stride",
      "padding",
      "activation",
    ]);
    expect(more.map((p) => p.name)).toEqual(["init", "dilation", "groups"]);
  });

  it("shows a rarely used field once the spec sets it", () => {
    const { main, more } = splitParams(conv, { type: "Conv2d", out_channels: 8, dilation: 2 });
    expect(main.map((p) => p.name)).toContain("dilation");
    expect(more.map((p) => p.name)).toEqual(["init", "groups"]);
  });

  it("names the defining fields explicitly", () => {
    const is = (name: string, required = false) => isDefining({ name, required } as Param);
    for (const name of ["out_features", "kernel_size", "padding", "hidden_size", "num_heads", "p"])
      expect(is(name)).toBe(true);
    for (const name of ["dilation", "groups", "bias", "eps", "init"]) expect(is(name)).toBe(false);
    expect(is("unflattened_size", true)).toBe(true); // required: always defining
  });
});
