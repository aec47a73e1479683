// The epoch slider over every epoch so far (views read the snapshot at or before it); while the run trains it
// follows the newest until moved, and "Follow training" lets it go again.
export interface TimelineSliderProps {
  epochs: number[];
  /** The chosen epoch; null: the newest (following a live run). */
  value: number | null;
  onChange: (epoch: number | null) => void;
  live: boolean;
  /** The run's planned epochs, when known. */
  total?: number | null;
}

export function TimelineSlider({ epochs, value, onChange, live, total }: TimelineSliderProps) {
  if (!epochs.length) return <p class="chart-empty">Waiting for the first saved epoch…</p>;
  const last = epochs.length - 1;
  const shown = value ?? epochs[last];
  let at = epochs.findIndex((e) => e >= shown);
  if (at < 0) at = last;
  return (
    <div class="timeline row" data-testid="timeline">
      <label class="timeline-label" for="timeline-range">
        Epoch <strong data-testid="timeline-epoch">{epochs[at]}</strong>
        <span class="muted">
          {" "}
          of {live && total ? `${epochs[last]} so far (${total} planned)` : epochs[last]}
        </span>
      </label>
      <input
        id="timeline-range"
        type="range"
        min={0}
        max={last}
        step={1}
        value={at}
        data-testid="timeline-slider"
        aria-valuetext={`epoch ${epochs[at]}`}
        onInput={(e) => {
          const i = Number((e.currentTarget as HTMLInputElement).value);
          onChange(i === last && live ? null : epochs[i]);
        }}
      />
      {live && value !== null && (
        <button type="button" onClick={() => onChange(null)} data-testid="timeline-follow">
          Follow training
        </button>
      )}
      {live && value === null && <span class="badge running small">following the run</span>}
    </div>
  );
}
