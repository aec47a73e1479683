import { describe, expect, it } from "vitest";
import { checkClaims, claimText, expectedText, type Measured } from "./claims";

const measured = (over: Partial<Measured["result"]> = {}): Measured => ({
  result: {
    status: "succeeded",
    epochs: 100,
    steps: 4000,
    best_epoch: null,
    test: { accuracy: 0.972, loss: 0.1 },
    ...over,
  },
  epochs: {
    epoch: [0, 1, 2],
    metrics: {
      train_loss: [0.69, 0.4, 0.2],
      val_loss: [0.7, 0.45, 0.5],
      train_accuracy: [0.5, 0.8, 0.95],
      val_accuracy: [0.5, 0.78, 0.9],
    },
  },
});

describe("claims in learner words", () => {
  it("says ranges the way a learner reads them", () => {
    expect(claimText("test.accuracy", [0.9, null])).toBe("test accuracy ≥ 90 %");
    expect(claimText("epoch0.train_loss", [0.6, 0.8])).toBe(
      "train loss before training (epoch 0) between 0.6 and 0.8",
    );
    expect(claimText("test.mse", [null, 0.05])).toBe("test MSE ≤ 0.05");
    expect(claimText("status", "diverged")).toBe("the run ends diverged");
    expect(claimText("epochs", [null, 60])).toBe("epochs trained ≤ 60");
  });

  it("joins a preset's claims after 'Expected:'", () => {
    expect(expectedText({ "test.accuracy": [0.93, null], "final.lr": [null, 0.001] })).toBe(
      "Expected: test accuracy ≥ 93 %; final learning rate ≤ 0.001",
    );
    expect(expectedText(undefined)).toBeNull();
    expect(expectedText({})).toBeNull();
  });
});

describe("checking claims against a finished run", () => {
  it("measures what the result and the epochs tell", () => {
    const checks = checkClaims(
      {
        "test.accuracy": [0.93, null],
        "epoch0.train_loss": [0.6, 0.8],
        "gap.loss": [0.2, null],
        "rise.val_loss": [null, 0.01],
        steps: [4000, 4000],
      },
      measured(),
    );
    expect(checks.map((c) => [c.key, c.measured, c.ok])).toEqual([
      ["test.accuracy", "97.2 %", true],
      ["epoch0.train_loss", "0.69", true],
      ["gap.loss", "0.3", true],
      ["rise.val_loss", "0.05", false],
      ["steps", "4000", true],
    ]);
  });

  it("leaves what it cannot measure to the preset tests", () => {
    const [c] = checkClaims({ "grad.first_over_last": [null, 0.01] }, measured());
    expect(c).toMatchObject({ ok: null, measured: null, note: "checked by the preset tests" });
  });

  it("a run that did not succeed fails the implied status claim; a meant divergence holds", () => {
    const stopped = checkClaims(
      { "test.accuracy": [0.9, null] },
      measured({ status: "cancelled", test: {} }),
    );
    expect(stopped.map((c) => [c.key, c.ok])).toEqual([
      ["test.accuracy", null],
      ["status", false],
    ]);
    expect(stopped[0].note).toBe("not reported by this run");
    const diverged = checkClaims({ status: "diverged" }, measured({ status: "diverged" }));
    expect(diverged).toEqual([
      { key: "status", text: "the run ends diverged", measured: "diverged", ok: true, note: null },
    ]);
  });
});
