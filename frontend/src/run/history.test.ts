import { describe, expect, it } from "vitest";
import type { EpochMessage, StreamMessage } from "../api/types";
import recorded from "./__fixtures__/stream-spiral.json";
import {
  confusionTable,
  layerChart,
  lossChart,
  RunHistory,
  taskCharts,
  testMetricRows,
} from "./history";

const FRAMES = recorded as unknown as StreamMessage[][];
const ALL = FRAMES.flat();

/** Everything a history holds that a viewer can see (NaN-safe for toEqual). */
function snapshot(h: RunHistory) {
  return JSON.parse(
    JSON.stringify({
      status: h.status,
      error: h.error,
      summary: h.summary,
      plane: h.plane,
      totalSteps: h.totalSteps,
      steps: h.steps,
      epochs: h.epochs,
      layers: h.layerList(),
      boundary: h.boundary,
      result: h.result,
      lastSeq: h.lastSeq,
    }),
  );
}

function replayed(frames: StreamMessage[][] = FRAMES): RunHistory {
  const h = new RunHistory();
  for (const f of frames) h.applyFrame(f);
  return h;
}

/** Frames of `size` messages each, cutting through batches (as the server's replay may). */
function rechunk(messages: StreamMessage[], size: number): StreamMessage[][] {
  const out = [];
  for (let i = 0; i < messages.length; i += size) out.push(messages.slice(i, i + size));
  return out;
}

describe("RunHistory on the recorded spiral stream", () => {
  it("holds every epoch, step, layer, the boundary and the result", () => {
    const h = replayed();
    expect(h.status).toBe("succeeded");
    expect(h.final).toBe(true);
    expect(h.error).toBeNull();
    expect(h.epochs.epoch).toEqual([0, 1, 2, 3]);
    expect(h.epochs.step).toEqual([0, 30, 60, 90]);
    expect(h.epochs.seconds.every((s) => s > 0)).toBe(true);
    for (const name of ["train_loss", "val_loss", "train_accuracy", "val_accuracy", "lr"]) {
      expect(h.epochs.metrics[name]).toHaveLength(4);
    }
    expect(h.epochs.metrics.val_accuracy[1]).toBeCloseTo(0.58, 5);
    expect(h.steps.step).toHaveLength(90);
    expect(h.steps.step[0]).toBe(1);
    expect(h.steps.step[89]).toBe(90);
    expect(h.task).toBe("classification");
    expect(h.plane?.train.length).toBeGreaterThan(0);
    expect(h.totalSteps).toBe(90);
    expect(h.logEvery).toBe(1);
    expect(h.device).toBe("cpu");
    expect(h.seed).toBe(0);
    expect(h.boundary?.epoch).toBe(3); // the newest, though epoch 2's grid came after it
    expect(h.result?.confusion).toEqual([
      [25, 24],
      [19, 32],
    ]);
    expect(h.result?.test.accuracy).toBeCloseTo(0.57, 5);
    expect(h.result?.per_class_accuracy).toHaveLength(2);
    expect(h.lastSeq).toBe(9);
  });

  it("keeps per-layer columns with summary labels, NaN where a value is absent", () => {
    const h = replayed();
    const layers = h.layerList();
    expect(layers.map((l) => l.label)).toEqual(["0 Linear(8)", "2 Linear(8)", "4 Linear(2)"]);
    for (const l of layers) {
      expect(l.grad_norm).toHaveLength(4);
      expect(l.grad_norm[0]).toBeNaN(); // epoch 0: no step taken yet
      expect(l.grad_norm[1]).toBeGreaterThan(0);
      expect(l.update_ratio[0]).toBeNaN();
      expect(l.weight_norm[0]).toBeGreaterThan(0);
    }
  });

  it("changes nothing when the same frames come again", () => {
    const h = replayed();
    const before = snapshot(h);
    const version = h.version;
    for (const f of FRAMES) expect(h.applyFrame(f)).toBe(false);
    expect(h.version).toBe(version);
    expect(snapshot(h)).toEqual(before);
  });

  it("gives the same history however the messages are cut into frames", () => {
    const reference = snapshot(replayed());
    for (const size of [1, 2, 7, 25, 1000]) {
      expect(snapshot(replayed(rechunk(ALL, size)))).toEqual(reference);
    }
  });

  it("takes a resend from resumeSeq() after a frame that ended mid-batch", () => {
    const reference = snapshot(replayed());
    const h = new RunHistory();
    const cut = ALL.findIndex((m) => m.seq === 7) + 10; // 10 of batch 7's messages arrived
    h.applyFrame(ALL.slice(0, cut));
    expect(h.lastSeq).toBe(7);
    const from = h.resumeSeq();
    expect(from).toBe(6);
    h.applyFrame(ALL.filter((m) => m.seq > from)); // what the server replays after from_seq
    expect(snapshot(h)).toEqual(reference);
  });

  it("ignores an empty frame and messages of unknown types", () => {
    const h = new RunHistory();
    expect(h.applyFrame([])).toBe(false);
    expect(h.apply({ type: "mystery", run_id: 2, seq: 3 } as unknown as StreamMessage)).toBe(false);
    expect(h.version).toBe(0);
    expect(h.lastSeq).toBe(0);
  });

  it("NaN-fills a metric that appears late", () => {
    const h = new RunHistory();
    const epoch = (e: number, seq: number, metrics: Record<string, number>): EpochMessage => ({
      type: "epoch",
      run_id: 1,
      seq,
      epoch: e,
      step: e * 10,
      seconds: e,
      metrics,
      layers: [],
    }); // prettier-ignore
    h.apply(epoch(0, 1, { train_loss: 1 }));
    h.apply(epoch(1, 2, { train_loss: 0.5, val_mse: 2 }));
    h.apply(epoch(2, 3, { val_mse: 1 }));
    expect(h.epochs.metrics.train_loss).toEqual([1, 0.5, NaN]);
    expect(h.epochs.metrics.val_mse).toEqual([NaN, 2, 1]);
    expect(h.task).toBe("regression");
  });

  it("reports progress and an ETA from seconds per step", () => {
    const h = replayed(FRAMES.slice(0, 3)); // epochs 0 and 1 done
    const p = h.progress();
    expect(p.epoch).toBe(1);
    expect(p.totalEpochs).toBe(3); // total_steps / steps_per_epoch
    expect(p.step).toBe(30);
    expect(p.totalSteps).toBe(90);
    expect(p.fraction).toBeCloseTo(1 / 3);
    const seconds = h.epochs.seconds[1];
    expect(p.elapsedSeconds).toBe(seconds);
    expect(p.etaSeconds).toBeCloseTo((60 * seconds) / 30);

    const done = replayed().progress();
    expect(done).toMatchObject({ epoch: 3, step: 90, totalSteps: 90, fraction: 1, etaSeconds: 0 });
    expect(done.elapsedSeconds).toBeCloseTo(0.12644297699989693);
  });

  it("has no ETA before it knows the pace, and takes total epochs from the spec", () => {
    const h = new RunHistory({ totalEpochs: 100 });
    expect(h.progress()).toMatchObject({
      epoch: 0,
      step: 0,
      totalEpochs: 100,
      totalSteps: null,
      etaSeconds: null,
    });
    h.applyFrame(FRAMES[0]); // start + epoch 0 (step 0)
    expect(h.progress()).toMatchObject({ totalEpochs: 100, totalSteps: 90, etaSeconds: null });
  });
});

describe("chart data", () => {
  it("joins step losses (fractional epochs) with epoch losses", () => {
    const h = replayed();
    const raw = lossChart(h, 0);
    expect(raw.x).toHaveLength(91); // steps 1..90 at 1/30..3, plus epoch 0
    expect(raw.x[0]).toBe(0);
    expect(raw.x[90]).toBe(3);
    expect(raw.series.map((s) => s.label)).toEqual(["step loss", "train loss", "val loss"]);
    expect(raw.series[0].values[0]).toBeNaN();
    expect(raw.series[1].values[0]).toBeCloseTo(0.6928618, 6);
    expect(raw.series[1].values[30]).toBeCloseTo(0.6854365, 6); // x = 1: step 30 and epoch 1 share it
    expect(raw.series[0].values[30]).toBe(h.steps.loss[29]);
    const smooth = lossChart(h, 0.9);
    expect(smooth.series.map((s) => s.label)).toEqual([
      "step loss",
      "step loss (smoothed)",
      "train loss",
      "val loss",
    ]);
    expect(smooth.series[1].values[1]).toBeCloseTo(h.steps.loss[0]); // debiased start
  });

  it("draws a long run's step loss with few points and every spike", () => {
    const h = new RunHistory();
    h.apply({ ...FRAMES[0].find((m) => m.type === "start"), seq: 1 } as StreamMessage);
    const spe = h.stepsPerEpoch() ?? NaN; // 30
    const msgs: StreamMessage[] = [];
    for (let s = 1; s <= 60_000; s++) {
      msgs.push({
        type: "step",
        run_id: 2,
        seq: 2,
        step: s,
        epoch: Math.ceil(s / spe),
        loss: s === 31_337 ? 9 : 1 / s,
      });
    }
    h.applyFrame(msgs);
    const t0 = performance.now();
    const chart = lossChart(h, 0.9);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(chart.x.length).toBeLessThanOrEqual(4000);
    expect(Math.max(...Array.from(chart.series[0].values).filter(Number.isFinite))).toBe(9);
    expect(chart.x[chart.x.length - 1]).toBe(60_000 / spe);
    const smoothed = Array.from(chart.series[1].values);
    expect(smoothed.every(Number.isFinite)).toBe(true);
  });

  it("picks the task's charts and one line per layer with gradients", () => {
    const h = replayed();
    expect(taskCharts(h).map((c) => c.title)).toEqual(["Accuracy"]);
    const grads = layerChart(h, "grad_norm");
    expect(grads.x).toEqual([0, 1, 2, 3]);
    expect(grads.series.map((s) => s.label)).toEqual(["0 Linear(8)", "2 Linear(8)", "4 Linear(2)"]);
    const reg = new RunHistory();
    reg.apply({
      type: "epoch",
      run_id: 1,
      seq: 1,
      epoch: 0,
      step: 0,
      seconds: 0,
      metrics: { val_mse: 2, val_mae: 1, val_r2: 0.1 },
      layers: [],
    });
    const charts = taskCharts(reg);
    expect(charts.map((c) => c.title)).toEqual(["Error", "R²"]);
    expect(charts[0].data.series.map((s) => [s.label, !!s.dash])).toEqual([
      ["val mse", false],
      ["val mae", true],
    ]);
  });

  it("formats test metrics, confusion shares and durations", () => {
    expect(testMetricRows({ loss: 0.65806955, accuracy: 0.57, zeta: 3 })).toEqual([
      { key: "accuracy", label: "Accuracy", value: "57.0 %" },
      { key: "loss", label: "Loss", value: "0.6581" },
      { key: "zeta", label: "zeta", value: "3" },
    ]);
    expect(testMetricRows({ r2: 0.5, mae: 1, mse: 2e-5 }).map((r) => [r.label, r.value])).toEqual([
      ["MSE", "2e-5"],
      ["MAE", "1"],
      ["R²", "0.5"],
    ]);
    const t = confusionTable([
      [25, 24],
      [19, 31],
    ]);
    expect(t.rowTotals).toEqual([49, 50]);
    expect(t.shares[1][1]).toBeCloseTo(0.62);
    expect(t.accuracy).toBeCloseTo(56 / 99);
    expect(
      confusionTable([
        [0, 0],
        [0, 0],
      ]).shares,
    ).toEqual([
      [0, 0],
      [0, 0],
    ]); // prettier-ignore
  });
});
