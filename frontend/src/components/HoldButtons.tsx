// Pause, step one epoch, resume: hold a training run to look at it, then let it go on.
import type { HoldAction } from "../api/client";

interface HoldProps {
  paused: number | null; // the epoch the run holds after; null while it trains
  onHold: (action: HoldAction) => void;
}

export function HoldButtons({ paused, onHold }: HoldProps) {
  if (paused === null) {
    return (
      <button
        type="button"
        onClick={() => onHold("pause")}
        data-testid="pause"
        title="Hold the run before its next step; its weights and optimizer state are kept"
      >
        Pause
      </button>
    );
  }
  return (
    <>
      <span class="badge queued" role="status" data-testid="paused">
        paused after epoch {paused}
      </span>
      <button
        type="button"
        onClick={() => onHold("step")}
        data-testid="step"
        title="Train one more epoch, then hold again"
      >
        Step one epoch
      </button>
      <button type="button" onClick={() => onHold("resume")} data-testid="resume">
        Resume
      </button>
    </>
  );
}
