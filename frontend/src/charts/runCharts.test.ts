import { describe, expect, it } from "vitest";
import type { StreamMessage } from "../api/types";
import recorded from "../run/__fixtures__/stream-spiral.json";
import { RunHistory } from "../run/history";
import { layerChart, lossChart, taskCharts } from "./runCharts";

const FRAMES = recorded as unknown as StreamMessage[][];

function replayed(): RunHistory {
  const h = new RunHistory();
  for (const f of FRAMES) h.applyFrame(f);
  return h;
}

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

  it("leaves a gap where a value was null, and a line of only gaps out", () => {
    const h = new RunHistory();
    const layers = [{ index: 0, grad_norm: null, weight_norm: 1, update_ratio: null }];
    const epoch = (e: number, metrics: Record<string, number | null>) =>
      ({
        type: "epoch",
        run_id: 1,
        seq: e + 1,
        epoch: e,
        step: e,
        seconds: e,
        metrics,
        layers,
      }) as StreamMessage;
    h.applyFrame([
      epoch(0, { val_loss: 1 }),
      epoch(1, { val_loss: null }),
      epoch(2, { val_loss: 3 }),
    ]);
    const loss = lossChart(h, 0);
    expect(loss.series.map((s) => s.label)).toEqual(["val loss"]);
    expect(Array.from(loss.series[0].values)).toEqual([1, NaN, 3]); // LineChart draws NaN as a gap
    expect(layerChart(h, "grad_norm").series).toEqual([]);
  });
});
