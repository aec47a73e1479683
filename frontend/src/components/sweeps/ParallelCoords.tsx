// Parameters against the final metric: one axis per swept param, the metric's axis last; each
// trial is a line, coloured by its metric (darker = better), the best one drawn thick.
import type { SweepView } from "../../api/types";
import { parallelCoords } from "../../state/parallelCoords";
import { lowerIsBetter } from "../../state/sweepView";

const W = 640;
const H = 220;
const PAD = { top: 24, bottom: 28, left: 64, right: 56 };

export function ParallelCoords({ sweep, bestId }: { sweep: SweepView; bestId: number | null }) {
  const { axes, lines } = parallelCoords(sweep.trials, sweep.params, sweep.metric);
  const xs = axes.map((_, i) =>
    axes.length > 1 ? PAD.left + (i * (W - PAD.left - PAD.right)) / (axes.length - 1) : W / 2,
  );
  const y = (at: number) => PAD.top + (1 - at) * (H - PAD.top - PAD.bottom);
  const metrics = lines.map((l) => l.metric).filter((m): m is number => m !== null);
  const lo = Math.min(...metrics);
  const hi = Math.max(...metrics);
  const lower = lowerIsBetter(sweep.metric);
  // 0 = worst, 1 = best, whatever the metric's direction.
  const goodness = (m: number | null) => {
    if (m === null || !(hi > lo)) return 0.5;
    const t = (m - lo) / (hi - lo);
    return lower ? 1 - t : t;
  };
  const path = (ys: (number | null)[]) => {
    let d = "";
    let pen = false;
    ys.forEach((at, i) => {
      if (at === null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${xs[i].toFixed(1)},${y(at).toFixed(1)} `;
      pen = true;
    });
    return d.trim();
  };
  // The best line last, so it is drawn on top.
  const ordered = [...lines].sort(
    (a, b) => Number(a.runId === bestId) - Number(b.runId === bestId),
  );
  return (
    <section class="panel" aria-labelledby="pc-title">
      <h2 id="pc-title">Parameters against {sweep.metric.replace(/_/g, " ")}</h2>
      <p class="muted small">
        Each line is a trial passing through its value on every axis and ending at its final metric
        on the right; darker lines did better. Lines that bunch together at the good end of an axis
        point at the values that work.
      </p>
      <svg
        class="parallel-coords"
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`parallel coordinates of ${axes.length - 1} params and ${sweep.metric}`}
        data-testid="parallel-coords"
        data-lines={lines.length}
      >
        {ordered.map((l) => (
          <path
            key={l.runId}
            d={path(l.ys)}
            class={l.runId === bestId ? "pc-line best" : "pc-line"}
            style={{ opacity: 0.25 + 0.75 * goodness(l.metric) }}
            data-run-id={l.runId}
          />
        ))}
        {axes.map((a, i) => (
          <g key={a.key} class="pc-axis">
            <line x1={xs[i]} x2={xs[i]} y1={y(0)} y2={y(1)} />
            <text x={xs[i]} y={PAD.top - 10} text-anchor="middle" class="pc-label">
              {a.label}
              {a.scale === "log" ? " (log)" : ""}
            </text>
            {a.ticks.map((t) => (
              // Beside the axis, outward on the last one, so lines ending there do not hide them.
              <text
                key={t.label}
                x={i === axes.length - 1 ? xs[i] + 6 : xs[i] - 6}
                y={y(t.at) + 4}
                text-anchor={i === axes.length - 1 ? "start" : "end"}
                class="pc-tick"
              >
                {t.label}
              </text>
            ))}
          </g>
        ))}
      </svg>
    </section>
  );
}
