import { describe, expect, it } from "vitest";
import { backoffMs } from "./backoff";

describe("backoffMs", () => {
  it("doubles from half a second up to five seconds", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(backoffMs)).toEqual([
      500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });
});
