// Follow one sweep's stream; re-render at most once per animation frame however fast it streams.
import { useEffect, useState } from "preact/hooks";
import { SweepLive } from "../run/sweepLive";
import { SweepStream } from "../run/sweepStream";

export interface LiveSweep {
  live: SweepLive;
  version: number; // changes when anything in `live` changed
  error: string | null;
}

export function useSweepStream(sweepId: number): LiveSweep {
  const [live] = useState(() => new SweepLive());
  const [tick, setTick] = useState({ version: 0, error: null as string | null });
  useEffect(() => {
    let frame = 0;
    const stream = new SweepStream(sweepId, {
      live,
      onUpdate: () => {
        if (!frame)
          frame = requestAnimationFrame(() => {
            frame = 0;
            setTick({ version: live.version, error: stream.error });
          });
      },
    });
    return () => {
      if (frame) cancelAnimationFrame(frame);
      stream.close();
    };
  }, [sweepId]);
  return { live, ...tick };
}
