// A histogram as bars (SVG): bins from state/inspectHist, the ones to notice in red.

import { formatNumber } from "../state/format";
import type { Bar } from "../state/inspectHist";

export function HistogramBars({
  bars,
  label,
  width = 220,
  height = 60,
}: {
  bars: Bar[];
  label: string;
  width?: number;
  height?: number;
}) {
  const max = Math.max(1, ...bars.map((b) => b.count));
  const w = bars.length ? width / bars.length : width;
  const lo = bars[0]?.x0 ?? 0;
  const hi = bars[bars.length - 1]?.x1 ?? 0;
  return (
    <figure class="histogram">
      <svg width={width} height={height} role="img" aria-label={label}>
        {bars.map((b, i) => {
          const h = (b.count / max) * (height - 2);
          return (
            <rect
              key={i}
              x={i * w + 0.5}
              y={height - h}
              width={Math.max(1, w - 1)}
              height={h}
              class={b.hot ? "bar hot" : "bar"}
            >
              <title>
                {formatNumber(b.x0)} … {formatNumber(b.x1)}: {b.count}
              </title>
            </rect>
          );
        })}
      </svg>
      <figcaption class="histogram-axis small muted">
        <span>{formatNumber(lo)}</span>
        <span>{formatNumber(hi)}</span>
      </figcaption>
    </figure>
  );
}
