// Which test sample the one-sample views (feature maps, saliency, FGSM, attention, hidden
// states) look at: a number with previous/next.
export interface SamplePickerProps {
  index: number;
  count: number; // test samples
  onChange: (index: number) => void;
}

export function SamplePicker({ index, count, onChange }: SamplePickerProps) {
  const max = Math.max(0, count - 1);
  const set = (i: number) => onChange(Math.min(max, Math.max(0, Math.round(i) || 0)));
  return (
    <div class="row sample-picker" data-testid="sample-picker">
      <label for="sample-index">Test sample</label>
      <button
        type="button"
        onClick={() => set(index - 1)}
        disabled={index <= 0}
        aria-label="previous sample"
      >
        ‹
      </button>
      <input
        id="sample-index"
        type="number"
        min={0}
        max={max}
        value={index}
        data-testid="sample-index"
        onChange={(e) => set(Number((e.currentTarget as HTMLInputElement).value))}
      />
      <button
        type="button"
        onClick={() => set(index + 1)}
        disabled={index >= max}
        aria-label="next sample"
      >
        ›
      </button>
      <span class="muted small">of {count} test samples</span>
    </div>
  );
}
