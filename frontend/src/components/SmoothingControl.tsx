// Raw vs smoothed curves: 0 shows raw values only; higher values smooth more (EMA weight).
export function SmoothingControl({
  value,
  onChange,
}: {
  value: number;
  onChange: (v: number) => void;
}) {
  return (
    <label class="inline small smoothing">
      <input
        type="checkbox"
        checked={value > 0}
        onChange={(e) => onChange((e.target as HTMLInputElement).checked ? 0.6 : 0)}
      />
      smoothed
      <input
        type="range"
        min={0}
        max={0.99}
        step={0.01}
        value={value}
        aria-label="Smoothing weight"
        onInput={(e) => onChange(Number((e.target as HTMLInputElement).value))}
      />
    </label>
  );
}
