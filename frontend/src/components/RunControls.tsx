// The playground's run bar: the run's name, Train, Sweep…, and what stops it from training.
import type { ErrorItem } from "../api/types";
import { problemsText } from "../state/playground";
import { type TrainState, trainButton } from "../state/train";

interface ControlsProps {
  name: string;
  onName: (name: string) => void;
  onTrain: () => void;
  /** Open the sweep builder for this spec. */
  onSweep: () => void;
  errors: ErrorItem[];
  serverDown: string | null;
  train: TrainState;
}

export function RunControls({
  name,
  onName,
  onTrain,
  onSweep,
  errors,
  serverDown,
  train,
}: ControlsProps) {
  const button = trainButton(train, { errors: errors.length, serverDown: serverDown !== null });
  const submitError = train.phase === "failed" ? train.error : null;
  return (
    <section class="panel run-controls" aria-label="Run">
      <div class="row">
        <label class="inline grow">
          <span class="visually-hidden">Run name</span>
          <input
            type="text"
            placeholder="Run name (optional)"
            value={name}
            onInput={(e) => onName((e.target as HTMLInputElement).value)}
          />
        </label>
        <button
          type="button"
          class="primary"
          onClick={onTrain}
          disabled={button.disabled}
          aria-busy={button.busy}
          data-testid="train"
        >
          {button.label}
        </button>
        <button
          type="button"
          onClick={onSweep}
          title="Train many variations of this network at once"
          data-testid="sweep-open"
        >
          Sweep…
        </button>
      </div>
      {serverDown && (
        <p class="error-text" role="alert">
          {serverDown}
        </p>
      )}
      {errors.length > 0 && (
        <p class="error-text small" role="status" data-testid="spec-errors">
          {problemsText(errors)}
        </p>
      )}
      {submitError && (
        <p class="error-text" role="alert">
          {submitError}
        </p>
      )}
    </section>
  );
}
