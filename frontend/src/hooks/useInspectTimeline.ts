// Every decision-boundary grid and snapshot epoch of a run, for the epoch slider: the stored
// snapshot list, then the run's stream (replayed, then live) until it ends. RunHistory keeps
// only the newest boundary and no snapshots, so this follows the stream on its own.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import type { StreamMessage } from "../api/types";
import { RunHistory } from "../run/history";
import { RunStream } from "../run/stream";
import { InsideTimeline } from "../state/inspectTimeline";

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

export interface LiveTimeline {
  timeline: InsideTimeline;
  /** The stream's own history: the plane's points, the status. */
  history: RunHistory;
  /** timeline.version when last rendered. */
  version: number;
}

export function useInspectTimeline(runId: number): LiveTimeline {
  const [timeline] = useState(() => new InsideTimeline());
  const [history] = useState(() => new TimelineFeed(timeline));
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let frame = 0;
    const bump = () => {
      if (!frame)
        frame = requestAnimationFrame(() => {
          frame = 0;
          setVersion(timeline.version);
        });
    };
    const ctrl = new AbortController();
    api.snapshots(runId, ctrl.signal).then(
      (list) => {
        timeline.addSnapshots(list.map((s) => s.epoch));
        bump();
      },
      () => {}, // the stream brings them too
    );
    const stream = new RunStream(runId, { history, onUpdate: bump });
    return () => {
      ctrl.abort();
      stream.close();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [runId]);
  return { timeline, history, version };
}
