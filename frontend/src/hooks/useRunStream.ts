// Follow one run's stream; re-render at most once per animation frame however fast it streams.
import { useEffect, useState } from "preact/hooks";
import { RunHistory } from "../run/history";
import { RunStream, type StreamState } from "../run/stream";

export interface LiveRun {
  history: RunHistory;
  version: number; // changes when history changed: pass to charts
  state: StreamState;
  error: string | null;
}

export function useRunStream(runId: number, totalEpochs?: number | null): LiveRun {
  const [history] = useState(() => new RunHistory({ totalEpochs }));
  const [tick, setTick] = useState({
    version: 0,
    state: "connecting" as StreamState,
    error: null as string | null,
  });
  useEffect(() => {
    let frame = 0;
    const flush = (s: RunStream) => {
      frame = 0;
      setTick({ version: s.history.version, state: s.state, error: s.error });
    };
    const schedule = (s: RunStream) => {
      if (!frame) frame = requestAnimationFrame(() => flush(s));
    };
    const stream = new RunStream(runId, {
      history,
      onUpdate: (_h, s) => schedule(s),
      onState: (_st, s) => schedule(s),
    });
    flush(stream);
    return () => {
      if (frame) cancelAnimationFrame(frame);
      stream.close();
    };
  }, [runId]);
  return { history, ...tick };
}
