import { describe, expect, it } from "vitest";
import { startsRun, TRAIN_IDLE, trainButton, trainReducer } from "./train";

const ok = { errors: 0, serverDown: false };

describe("the Train button", () => {
  it("a click disables it and shows it queuing at once", () => {
    const s = trainReducer(TRAIN_IDLE, { type: "click" });
    expect(s.phase).toBe("submitting");
    expect(trainButton(s, ok)).toEqual({ disabled: true, label: "Queuing…", busy: true });
    expect(trainButton(TRAIN_IDLE, ok)).toEqual({ disabled: false, label: "Train", busy: false });
  });

  it("a second click while the first is in flight starts nothing", () => {
    const s = trainReducer(TRAIN_IDLE, { type: "click" });
    expect(startsRun(s)).toBe(false);
    expect(trainReducer(s, { type: "click" })).toBe(s);
  });

  it("comes back once the run exists, or with the error", () => {
    const s = trainReducer(TRAIN_IDLE, { type: "click" });
    expect(trainReducer(s, { type: "created", runId: 5 })).toEqual(TRAIN_IDLE);
    const failed = trainReducer(s, { type: "failed", error: "queue full" });
    expect(failed).toEqual({ phase: "failed", error: "queue full" });
    expect(startsRun(failed)).toBe(true);
    expect(trainButton(failed, ok).disabled).toBe(false);
  });

  it("stays disabled while the spec has problems or the server is down", () => {
    expect(trainButton(TRAIN_IDLE, { errors: 2, serverDown: false }).disabled).toBe(true);
    expect(trainButton(TRAIN_IDLE, { errors: 0, serverDown: true }).disabled).toBe(true);
  });
});
