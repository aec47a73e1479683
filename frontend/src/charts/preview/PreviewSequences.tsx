// Sequence samples of a data preview: the first input feature per step, one line each.
import { useMemo } from "preact/hooks";
import type { DataPreview } from "../../api/client";
import { seriesColor } from "../colors";
import { LineChart } from "../LineChart";
import type { LabelOf } from "./label";

const MAX_SEQUENCES = 8;

export function PreviewSequences({
  preview,
  label,
}: {
  preview: Extract<DataPreview, { kind: "sequence" }>;
  label: LabelOf;
}) {
  const shown = preview.series.slice(0, MAX_SEQUENCES);
  const x = useMemo(() => {
    const n = Math.max(0, ...shown.map((s) => s.values.length));
    return Array.from({ length: n }, (_, i) => i);
  }, [preview]);
  const target = (t: number | number[]) => (Array.isArray(t) ? "per step" : label(t));
  return (
    <LineChart
      title="Sequences"
      xLabel="step"
      x={x}
      height={180}
      series={shown.map((s, i) => ({
        label: `#${i + 1} → ${target(s.target)}`,
        values: s.values,
        color: seriesColor(i),
        width: 1.5,
      }))}
    />
  );
}
