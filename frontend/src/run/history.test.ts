import { describe, expect, it } from "vitest";
import type { EpochMessage, StreamMessage } from "../api/types";
import recorded from "./__fixtures__/stream-spiral.json";
import { RunHistory } from "./history";

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
    expect(h.terminal).toBe(true);
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

  it("knows when the run holds after an epoch and when it goes on", () => {
    const h = new RunHistory();
    const paused = (seq: number, on: boolean, epoch: number): StreamMessage => ({
      type: "paused",
      run_id: 1,
      seq,
      paused: on,
      epoch,
    });
    expect(h.paused).toBeNull();
    h.apply(paused(5, true, 3));
    expect(h.paused).toBe(3);
    h.apply(paused(6, false, 3));
    expect(h.paused).toBeNull();
    h.apply(paused(7, true, 4));
    expect(h.apply(paused(7, true, 4))).toBe(false); // a resent message changes nothing
    expect(h.paused).toBe(4);
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

  it("keeps null values (non-finite on the server) as NaN gaps", () => {
    const h = new RunHistory();
    const frame = JSON.parse(
      '[{"type":"step","run_id":1,"seq":1,"step":1,"epoch":1,"loss":null},' +
        '{"type":"epoch","run_id":1,"seq":1,"epoch":1,"step":1,"seconds":null,' +
        '"metrics":{"train_loss":null,"val_loss":2},' +
        '"layers":[{"index":0,"grad_norm":null,"weight_norm":1,"update_ratio":null}]}]',
    ) as StreamMessage[];
    expect(h.applyFrame(frame)).toBe(true);
    expect(h.steps.loss).toEqual([NaN]);
    expect(h.epochs.seconds).toEqual([NaN]);
    expect(h.epochs.metrics.train_loss).toEqual([NaN]);
    expect(h.epochs.metrics.val_loss).toEqual([2]);
    expect(h.layerList()[0].grad_norm).toEqual([NaN]);
    expect(h.progress().elapsedSeconds).toBeNull();
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

describe("RunHistory from a downsampled replay", () => {
  // The server sends a long run's history downsampled (some step and epoch messages left
  // out, each kept one with its own seq), then the tail whole: the columns hold what came,
  // in order, and the live tail appends after it.
  it("draws the kept points in order, then the tail", () => {
    const keptEpochs = new Set([0, 2, 3]);
    const history = ALL.filter(
      (m) =>
        (m.type !== "step" || m.step % 10 === 0 || m.step === 90) &&
        (m.type !== "epoch" || keptEpochs.has(m.epoch)),
    );
    const h = replayed(rechunk(history, 7));
    expect(h.epochs.epoch).toEqual([0, 2, 3]);
    expect(h.epochs.step).toEqual([0, 60, 90]);
    expect(h.epochs.metrics.val_loss).toHaveLength(3);
    expect(h.layerList().every((l) => l.grad_norm.length === 3)).toBe(true);
    expect(h.steps.step).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(h.progress().epoch).toBe(3);
    expect(h.progress().fraction).toBe(1);
    expect(h.status).toBe("succeeded");
    const full = replayed();
    expect(h.result).toEqual(full.result);
    expect(h.lastSeq).toBe(full.lastSeq);
  });

  it("a reconnect after a downsampled history adds only newer batches", () => {
    const cut = ALL.find((m) => m.type === "epoch" && m.epoch === 1)?.seq ?? 0;
    const history = ALL.filter((m) => m.seq <= cut && (m.type !== "step" || m.step % 10 === 0));
    const h = replayed([history]);
    const before = h.steps.step.length;
    // Resumed from resumeSeq(): the last batch again (deduplicated), then what follows.
    h.applyFrame(ALL.filter((m) => m.seq >= h.resumeSeq()));
    const steps = h.steps.step;
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.length).toBeGreaterThan(before);
    expect(steps.slice(0, before)).toEqual([10, 20, 30]); // the rest of batch `cut`: dropped
    expect(steps.at(-1)).toBe(90);
    expect(h.epochs.epoch).toEqual([0, 1, 2, 3]);
  });
});
