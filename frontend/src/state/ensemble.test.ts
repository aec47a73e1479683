import { describe, expect, it } from "vitest";
import type { EnsembleOut } from "../api/types";
import { makeRun } from "../test/factories";
import { ensembleProblem, ensembleRows, ensembleVerdict, meanMemberAccuracy } from "./ensemble";

const OUT: EnsembleOut = {
  method: "mean_prob",
  members: [
    { run_id: 3, epoch: 10, test_accuracy: 0.8, test_loss: 0.5 },
    { run_id: 4, epoch: 10, test_accuracy: 0.9, test_loss: 0.4 },
  ],
  ensemble: { test_accuracy: 0.925, test_loss: 0.3 },
  n_test: 80,
  note: "why",
};

describe("ensembleProblem", () => {
  const a = makeRun({ id: 1 });
  const b = makeRun({ id: 2 });
  const other = makeRun({ id: 3, spec: { ...a.spec, data: { dataset: "spiral", seed: 4 } } });

  it("needs two runs", () => {
    expect(ensembleProblem([1], [a, b])).toMatch(/at least two/);
  });
  it("accepts runs of the same data", () => {
    expect(ensembleProblem([1, 2], [a, b, other])).toBeNull();
  });
  it("refuses runs of other data", () => {
    expect(ensembleProblem([1, 3], [a, b, other])).toMatch(/same data/);
  });
});

describe("ensembleRows", () => {
  it("lists the members in order, then the ensemble", () => {
    const rows = ensembleRows(OUT);
    expect(rows.map((r) => r.label)).toEqual(["Run 3", "Run 4", "Ensemble (mean probability)"]);
    expect(rows[2]).toMatchObject({ runId: null, accuracy: 0.925, loss: 0.3 });
    expect(ensembleRows({ ...OUT, method: "vote" })[2].label).toBe("Ensemble (majority vote)");
  });
  it("averages the members' accuracy", () => {
    expect(meanMemberAccuracy(OUT)).toBeCloseTo(0.85);
  });
});

describe("ensembleVerdict", () => {
  it("compares the ensemble with the mean member in points", () => {
    expect(ensembleVerdict(OUT)).toBe(
      "The ensemble scores 92.5 % against 85.0 % for the mean member (+7.5 points).",
    );
    const worse = { ...OUT, ensemble: { test_accuracy: 0.8, test_loss: 0.5 } };
    expect(ensembleVerdict(worse)).toMatch(/\(−5\.0 points\)/);
  });
  it("says nothing for regression", () => {
    const reg = {
      ...OUT,
      members: OUT.members.map((m) => ({ ...m, test_accuracy: null })),
      ensemble: { test_accuracy: null, test_loss: 0.3 },
    };
    expect(ensembleVerdict(reg)).toBeNull();
  });
  it("labels members as asked", () => {
    expect(ensembleRows(OUT, (id) => `Trial ${id}`)[0].label).toBe("Trial 3");
  });
});
