// A log-scale slider beside a number box (the learning rate: 1e-5 .. 10), one decade a notch.
import type { Json } from "../api/types";
import { fromSlider, toSlider } from "../state/labels";

interface Props {
  label: string; // what it sets, for its accessible name
  range: [number, number];
  value: Json | undefined;
  onChange: (v: number) => void;
}

export function LogSlider({ label, range, value, onChange }: Props) {
  const [lo, hi] = range;
  return (
    <input
      type="range"
      class="log-slider"
      aria-label={`${label} (log scale)`}
      min={Math.log10(lo)}
      max={Math.log10(hi)}
      step={0.05}
      value={toSlider(typeof value === "number" ? value : lo, range)}
      onInput={(e) => onChange(fromSlider(Number((e.target as HTMLInputElement).value)))}
    />
  );
}
