import { describe, expect, it } from "vitest";
import { makeRun } from "../test/factories";
import { type LiveFacts, loadFailed, type RunLoad, runFacts, statusChanged } from "./runRecord";

const ok: RunLoad = { state: "ok", run: makeRun({ id: 3, status: "running" }) };

describe("a run's record", () => {
  it("is missing after a 404, and keeps what it showed after other failures", () => {
    expect(loadFailed({ state: "loading" }, 404, "no")).toEqual({ state: "missing" });
    expect(loadFailed(ok, 404, "no")).toEqual({ state: "missing" });
    expect(loadFailed({ state: "loading" }, 0, "down")).toEqual({
      state: "error",
      message: "down",
    });
    expect(loadFailed(ok, 0, "down")).toBe(ok);
  });

  it("reloads when the stream brings a status the record does not have", () => {
    expect(statusChanged(ok, "running")).toBe(false);
    expect(statusChanged(ok, "succeeded")).toBe(true);
    expect(statusChanged({ state: "loading" }, "succeeded")).toBe(false);
  });
});

describe("runFacts", () => {
  const live: LiveFacts = { status: "succeeded", summary: null, device: null, epoch: 0 };

  it("lists the record's facts", () => {
    const run = makeRun({ tags: ["a", "b"], versions: { torch: "2.13" } });
    run.spec.training.epochs = 10;
    const facts = Object.fromEntries(
      runFacts(run, live, "Spiral", 0).map((f) => [f.label, f.value]),
    );
    expect(facts).toEqual({
      "Data set": "Spiral (spiral)",
      Model: "Linear(8) → Tanh → Linear(2)",
      Optimizer: "SGD, lr 0.03",
      Parameters: "—",
      Device: "cpu",
      Seed: "0",
      Duration: "0:13",
      Epochs: "10 / 10",
      Tags: "a, b",
      Versions: "torch 2.13",
    });
  });

  it("takes from the stream what the record does not know yet", () => {
    const run = makeRun({ status: "running", device: null, epochs_done: 1, finished_at: null });
    const now = Date.parse("2025-01-01T00:01:01Z");
    const facts = runFacts(
      run,
      { ...live, status: "running", device: "cuda:0", epoch: 4 },
      null,
      now,
    );
    const byLabel = Object.fromEntries(facts.map((f) => [f.label, f.value]));
    expect(byLabel).toMatchObject({
      "Data set": "spiral",
      Device: "cuda:0",
      Epochs: "4",
      Duration: "1:00",
    });
    expect(byLabel.Tags).toBeUndefined();
  });
});
