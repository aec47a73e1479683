import { describe, expect, it } from "vitest";
import type { LayerRow, Run, RunEvent } from "../api/types";
import { makeRun } from "../test/factories";
import { formatNumber } from "./format";
import {
  absoluteTime,
  allSelected,
  applyEvents,
  ariaSort,
  currentSort,
  layerSpecLabel,
  listQuery,
  modelSummary,
  optimizerLabel,
  parseTags,
  relativeTime,
  replaceRow,
  runDuration,
  sortBy,
  toggleAll,
  toggleId,
  withFilter,
} from "./runsTable";

function layerRow(label: string, depth = 0): LayerRow {
  return {
    path: "",
    type: label,
    label,
    depth,
    input_shape: [],
    output_shape: [],
    params: 0,
    flops: 0,
  };
}

const T0 = Date.parse("2025-01-01T00:00:00Z");

describe("modelSummary", () => {
  it("joins top-level summary labels", () => {
    const summary = {
      layers: [
        layerRow("Linear(8)"),
        layerRow("Tanh"),
        layerRow("Linear(1)", 1),
        layerRow("Linear(2)"),
      ],
    };
    expect(modelSummary({ spec: makeRun().spec, summary: summary as Run["summary"] })).toBe(
      "Linear(8) → Tanh → Linear(2)",
    );
  });

  it("falls back to the spec", () => {
    expect(modelSummary(makeRun())).toBe("Linear(8) → Tanh → Linear(2)");
  });

  it("shortens long models", () => {
    const layers = Array.from({ length: 12 }, (_, i) => ({ type: "Linear", out_features: i + 1 }));
    const s = modelSummary({ summary: null, spec: { ...makeRun().spec, model: { layers } } }, 5);
    expect(s).toBe("Linear(1) → Linear(2) → Linear(3) → … 8 more → Linear(12)");
  });

  it("handles a spec without layers", () => {
    expect(
      modelSummary({
        summary: null,
        spec: { data: { dataset: "x" }, model: { layers: [] }, training: {} },
      }),
    ).toBe("");
  });
});

describe("layerSpecLabel", () => {
  it("labels layers like the server", () => {
    expect(layerSpecLabel({ type: "Linear", out_features: 8 })).toBe("Linear(8)");
    expect(layerSpecLabel({ type: "Conv2d", out_channels: 16, kernel_size: 3 })).toBe(
      "Conv2d(16, k=3)",
    );
    expect(layerSpecLabel({ type: "LSTM", hidden_size: 32 })).toBe("LSTM(32)");
    expect(
      layerSpecLabel({ type: "Residual", layers: [{ type: "Linear" }, { type: "ReLU" }] }),
    ).toBe("Residual(2 layers)");
    expect(layerSpecLabel({ type: "Linear", out_features: 4, activation: "ReLU" })).toBe(
      "Linear(4) + ReLU",
    );
    expect(
      layerSpecLabel({ type: "Linear", out_features: 4, activation: { type: "LeakyReLU" } }),
    ).toBe("Linear(4) + LeakyReLU");
    expect(layerSpecLabel({ type: "Linear", out_features: 4, activation: null })).toBe("Linear(4)");
    expect(layerSpecLabel({ type: "Tanh" })).toBe("Tanh");
  });
});

describe("labels", () => {
  it("names the optimizer and learning rate", () => {
    expect(optimizerLabel(makeRun().spec)).toBe("SGD, lr 0.03");
    expect(
      optimizerLabel({ ...makeRun().spec, training: { optimizer: { type: "Adam", lr: 0.0001 } } }),
    ).toBe("Adam, lr 1e-4");
    expect(optimizerLabel({ ...makeRun().spec, training: {} })).toBe("—");
  });

  it("formats numbers", () => {
    expect(formatNumber(0.03)).toBe("0.03");
    expect(formatNumber(0.00025)).toBe("2.5e-4");
    expect(formatNumber(12.3456)).toBe("12.35");
    expect(formatNumber(0)).toBe("0");
  });

  it("parses tag lists", () => {
    expect(parseTags(" a, b,, a ,c ")).toEqual(["a", "b", "c"]);
    expect(parseTags("")).toEqual([]);
  });
});

describe("durations and times", () => {
  it("measures finished, live and unstarted runs", () => {
    expect(runDuration(makeRun(), T0)).toBe(12.5);
    const running = makeRun({ status: "running", finished_at: null });
    expect(runDuration(running, T0 + 61_000)).toBe(60);
    expect(
      runDuration(makeRun({ status: "queued", started_at: null, finished_at: null }), T0),
    ).toBeNull();
    expect(runDuration(makeRun({ status: "failed", finished_at: null }), T0)).toBeNull();
  });

  it("gives relative times", () => {
    const iso = "2025-01-01T00:00:00Z";
    expect(relativeTime(iso, T0 + 10_000)).toBe("just now");
    expect(relativeTime(iso, T0 + 5 * 60_000)).toBe("5 min ago");
    expect(relativeTime(iso, T0 + 3 * 3600_000)).toBe("3 h ago");
    expect(relativeTime(iso, T0 + 30 * 3600_000)).toBe("yesterday");
    expect(relativeTime(iso, T0 + 4 * 86400_000)).toBe("4 days ago");
    expect(relativeTime(iso, T0 + 90 * 86400_000)).toBe("2025-01-01");
    expect(relativeTime(null, T0)).toBe("—");
    expect(relativeTime("garbage", T0)).toBe("—");
  });

  it("gives absolute times", () => {
    expect(absoluteTime("2025-01-01T00:00:05.123Z")).toBe("2025-01-01 00:00:05 UTC");
    expect(absoluteTime(null)).toBe("");
  });
});

describe("sorting and filters", () => {
  it("defaults to newest first", () => {
    expect(currentSort({})).toEqual({ key: "created_at", descending: true });
    expect(currentSort({ sort: "bogus" })).toEqual({ key: "created_at", descending: true });
    expect(ariaSort({}, "created_at")).toBe("descending");
    expect(ariaSort({}, "name")).toBe("none");
  });

  it("flips the current column and starts new ones in their natural order", () => {
    expect(sortBy({}, "created_at")).toEqual({ sort: "created_at", descending: false });
    expect(sortBy({ sort: "created_at", descending: false }, "created_at")).toEqual({});
    expect(sortBy({}, "name")).toEqual({ sort: "name", descending: false });
    expect(sortBy({ sort: "name", descending: false }, "name")).toEqual({
      sort: "name",
      descending: true,
    });
    expect(sortBy({}, "test_accuracy")).toEqual({ sort: "test_accuracy", descending: true });
    expect(ariaSort({ sort: "name", descending: false }, "name")).toBe("ascending");
  });

  it("goes back to the first page on any change, keeping other filters", () => {
    expect(sortBy({ status: "running", cursor: "abc" }, "name")).toEqual({
      status: "running",
      sort: "name",
      descending: false,
    });
    expect(withFilter({ status: "running", cursor: "abc" }, { dataset: "xor" })).toEqual({
      status: "running",
      dataset: "xor",
    });
    expect(withFilter({ status: "running", name: "a" }, { status: "" })).toEqual({ name: "a" });
    expect(withFilter({ status: "running" }, { cursor: "next" })).toEqual({
      status: "running",
      cursor: "next",
    });
  });

  it("builds the list query", () => {
    expect(listQuery({ name: "mlp", cursor: "c" })).toEqual({
      status: undefined,
      name: "mlp",
      dataset: undefined,
      tag: undefined,
      sort: "created_at",
      descending: true,
      cursor: "c",
      limit: 50,
    });
  });
});

describe("applyEvents", () => {
  const rows = [
    makeRun({ id: 3, status: "running", finished_at: null }),
    makeRun({ id: 2, status: "queued", started_at: null, finished_at: null, queue_position: 0 }),
    makeRun({ id: 1 }),
  ];
  const status = (run_id: number, s: Run["status"], error: string | null = null): RunEvent => ({
    type: "status",
    run_id,
    seq: 9,
    status: s,
    error,
  });

  it("updates a row in place and asks to refresh it", () => {
    const out = applyEvents(rows, [status(3, "failed", "boom")], {}, T0);
    expect(out.rows.map((r) => r.status)).toEqual(["failed", "queued", "succeeded"]);
    expect(out.rows[0].error).toBe("boom");
    expect(out.rows[1]).toBe(rows[1]); // untouched rows keep their identity
    expect(out.refresh).toEqual([3]);
    expect(out.refetch).toBe(false);
    expect(rows[0].status).toBe("running"); // the input is not mutated
  });

  it("starts the clock of a run that starts", () => {
    const out = applyEvents(rows, [status(2, "running")], {}, T0 + 5000);
    expect(out.rows[1].started_at).toBe("2025-01-01T00:00:05.000Z");
    expect(out.rows[1].queue_position).toBeNull();
  });

  it("removes deleted runs", () => {
    const out = applyEvents(rows, [status(1, "cancelled"), { type: "deleted", run_id: 1 }], {}, T0);
    expect(out.rows.map((r) => r.id)).toEqual([3, 2]);
    expect(out.refresh).toEqual([]);
  });

  it("reloads the page for a new run", () => {
    const out = applyEvents(rows, [status(4, "queued")], {}, T0);
    expect(out.refetch).toBe(true);
    expect(out.rows).toBe(rows);
  });

  it("reloads for a run newer than every row, whatever its status", () => {
    // Its "queued" may have come while the page was being fetched; the end must not be lost.
    expect(applyEvents(rows, [status(40, "succeeded")], {}, T0).refetch).toBe(true);
  });

  it("ignores older runs' changes unless the status filter now matches them", () => {
    const newer = rows.slice(0, 2); // runs 3 and 2: run 1 is on another page
    expect(applyEvents(newer, [status(1, "failed")], {}, T0).refetch).toBe(false);
    expect(applyEvents(newer, [status(1, "failed")], { status: "failed" }, T0).refetch).toBe(true);
    expect(applyEvents(rows, [{ type: "deleted", run_id: 40 }], {}, T0).rows).toBe(rows);
  });

  it("ignores unknown message types", () => {
    const unknown = { type: "hello", run_id: 3 } as unknown as RunEvent; // from a newer server
    expect(applyEvents(rows, [unknown], {}, T0)).toEqual({
      rows,
      refresh: [],
      refetch: false,
    });
  });
});

describe("row helpers", () => {
  it("replaces a fetched row", () => {
    const rows = [makeRun({ id: 1 }), makeRun({ id: 2 })];
    const fresh = makeRun({ id: 2, name: "new" });
    expect(replaceRow(rows, fresh)[1].name).toBe("new");
    expect(replaceRow(rows, makeRun({ id: 5 }))).toBe(rows);
  });

  it("toggles selection", () => {
    expect(toggleId([1, 2], 3)).toEqual([1, 2, 3]);
    expect(toggleId([1, 2, 3], 2)).toEqual([1, 3]);
  });

  it("selects a whole page, or unselects it, keeping other pages' selections", () => {
    expect(allSelected([7], [])).toBe(false);
    expect(toggleAll([7, 2], [1, 2, 3])).toEqual([7, 2, 1, 3]);
    expect(allSelected([7, 2, 1, 3], [1, 2, 3])).toBe(true);
    expect(toggleAll([7, 2, 1, 3], [1, 2, 3])).toEqual([7]);
  });
});
