// What the epoch slider needs of a run: the epochs whose weights were saved (GET /snapshots,
// again at most every `gapMs` while `version` changes, i.e. while the run streams) and, once
// `boundaries` is asked for, every stored decision-boundary grid. RunHistory keeps only the
// newest grid, so those come from a replay of the run's stream of its own, opened only then.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api/client";
import type { StreamMessage } from "../api/types";
import { RunHistory } from "../run/history";
import { RunStream } from "../run/stream";
import { InsideTimeline, throttleWait } from "../state/inspectTimeline";

/** A RunHistory (the stream's resume point and end) that hands its timeline every message. */
class TimelineFeed extends RunHistory {
  constructor(readonly timeline: InsideTimeline) {
    super();
  }

  override apply(msg: StreamMessage): boolean {
    const took = this.timeline.take(msg);
    return super.apply(msg) || took;
  }
}

export interface TimelineOptions {
  /** Replay the run's stream for every boundary grid (scrubbing, Compare). */
  boundaries: boolean;
  /** Changes while the run streams (the page's history.version): refreshes the snapshot list. */
  version?: number;
  gapMs?: number;
}

export interface LiveTimeline {
  timeline: InsideTimeline;
  /** The replayed stream's own history (plane points, task), once `boundaries` was asked. */
  history: RunHistory;
  /** timeline.version when last rendered. */
  version: number;
}

export function useInspectTimeline(runId: number, opts: TimelineOptions): LiveTimeline {
  const [timeline] = useState(() => new InsideTimeline());
  const [history] = useState(() => new TimelineFeed(timeline));
  const [version, setVersion] = useState(0);
  const fetchedAt = useRef<number | null>(null);
  const bump = () => setVersion(timeline.version);

  // The snapshot list: at once, then throttled while the run reports.
  useEffect(() => {
    const ctrl = new AbortController();
    const timer = setTimeout(
      () => {
        fetchedAt.current = Date.now();
        api.snapshots(runId, ctrl.signal).then(
          (list) => {
            timeline.addSnapshots(list.map((s) => s.epoch));
            bump();
          },
          () => {}, // the next change asks again
        );
      },
      throttleWait(fetchedAt.current, Date.now(), opts.gapMs ?? 1500),
    );
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [runId, opts.version]);

  const wantBoundaries = opts.boundaries;
  useEffect(() => {
    if (!wantBoundaries) return;
    let frame = 0;
    const onUpdate = () => {
      if (!frame)
        frame = requestAnimationFrame(() => {
          frame = 0;
          bump();
        });
    };
    const stream = new RunStream(runId, { history, onUpdate });
    return () => {
      stream.close();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [runId, wantBoundaries]);
  return { timeline, history, version };
}
