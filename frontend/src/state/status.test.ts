import { describe, expect, it } from "vitest";
import { errorPrefix, isActive, isTerminal, RUN_STATUSES, TERMINAL_STATUSES } from "./status";

describe("run statuses", () => {
  it("splits every status into active and terminal", () => {
    expect(RUN_STATUSES.filter(isActive)).toEqual(["queued", "running"]);
    expect(RUN_STATUSES.filter(isTerminal)).toEqual(TERMINAL_STATUSES);
  });

  it("prefixes the errors of failed and diverged runs only", () => {
    expect(RUN_STATUSES.map(errorPrefix)).toEqual([
      null,
      null,
      null,
      "Failed: ",
      null,
      "Diverged: ",
    ]);
  });
});
