import { describe, expect, it } from "vitest";
import { resultCounts } from "./results";
import { progressView } from "./runProgress";

const at = (epoch: number, totalEpochs: number | null, step = epoch * 10) => ({
  epoch,
  totalEpochs,
  step,
  totalSteps: totalEpochs === null ? null : totalEpochs * 10,
});

describe("progress of a run", () => {
  it("a stopped run says where it stopped, its bar at that point", () => {
    const v = progressView("cancelled", at(7, 2000, 75), { stopped_early: false });
    expect(v).toEqual({ text: "stopped at epoch 7 of 2000", fraction: 7 / 2000, state: "stopped" });
  });

  it("its result counts the same epochs (the epoch in progress never reported)", () => {
    // The engine's result.epochs is the epoch it was in: 8 when epoch 7 was the last reported.
    const counts = resultCounts({
      status: "cancelled",
      epochs: 8,
      steps: 75,
      best_epoch: null,
      stopped_early: false,
    });
    expect(counts).toBe("stopped at epoch 7, after 75 steps");
    expect(counts).toContain(`epoch ${at(7, 2000).epoch}`);
  });

  it("failed and diverged runs name how they ended", () => {
    expect(progressView("diverged", at(3, 10), null).text).toBe("diverged at epoch 3 of 10");
    expect(progressView("failed", at(0, null, 0), null)).toMatchObject({
      text: "failed at epoch 0",
      fraction: null,
    });
  });

  it("a finished run is full; early stopping says so", () => {
    expect(progressView("succeeded", at(10, 10), { stopped_early: false })).toEqual({
      text: "epoch 10 / 10",
      fraction: 1,
      state: "done",
    });
    expect(progressView("succeeded", at(40, 100), { stopped_early: true }).text).toBe(
      "early stopping at epoch 40 of 100",
    );
  });

  it("a running run counts steps; a queued one is empty", () => {
    expect(progressView("running", at(5, 10, 55), null)).toEqual({
      text: "epoch 5 / 10",
      fraction: 0.55,
      state: "active",
    });
    expect(progressView("queued", at(0, 10), null).fraction).toBe(0);
  });

  it("a succeeded run's counts keep best epoch and early stopping", () => {
    expect(
      resultCounts({
        status: "succeeded",
        epochs: 40,
        steps: 1200,
        best_epoch: 30,
        stopped_early: true,
      }),
    ).toBe("40 epochs, 1,200 steps; best epoch 30; stopped early");
  });
});
