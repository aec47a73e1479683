// Per-layer output histograms over a test batch, dead ReLU units (B10) and saturated
// tanh/sigmoid outputs (B11) in red.
import { HistogramBars } from "../../charts/HistogramBars";
import { useInspectView } from "../../hooks/useInspectView";
import { histogramBars, percent } from "../../state/inspectHist";
import { viewBody } from "../../state/inspectRequest";
import { readActivations } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";

export function ActivationsPanel({
  runId,
  snapshot,
  gapMs,
}: {
  runId: number;
  snapshot: number | null;
  gapMs: number;
}) {
  const view = useInspectView(runId, viewBody("activations", snapshot), readActivations, gapMs);
  const a = view.data;
  return (
    <InsidePanel
      title={`Activations${a ? ` · epoch ${a.epoch}` : ""}`}
      explain="How each layer's outputs are spread over a batch of test samples. Units whose output is always 0 are dead: they no longer learn. Outputs piled at ±1 (tanh) or 0 and 1 (sigmoid) are saturated: their gradient vanishes."
      testId="activations"
      view={view}
    >
      {a && (
        <p class="small muted hist-legend">
          <span class="swatch" aria-hidden="true" /> red bars: outputs at exactly 0 after a ReLU, or
          at the flat ends of tanh and sigmoid
        </p>
      )}
      {a && (
        <div class="hist-list">
          {a.layers.map((l) => {
            const dead = percent(l.dead);
            const sat = percent(l.saturated);
            return (
              <div class="hist-row" key={l.layer} data-layer={l.layer}>
                <span class="small hist-name">
                  {l.layer.replace("model.", "")} {l.type}
                </span>
                <HistogramBars
                  bars={histogramBars(l.histogram, l.activation)}
                  label={`outputs of ${l.layer}`}
                />
                <span class="small">
                  {dead && (
                    <span class={`badge ${level(l.dead)}`} data-testid="dead-fraction">
                      dead {dead}
                    </span>
                  )}
                  {sat && <span class={`badge ${level(l.saturated)}`}>saturated {sat}</span>}
                </span>
              </div>
            );
          })}
        </div>
      )}
    </InsidePanel>
  );
}

/** Badge colour of a dead or saturated fraction: none green, some amber, a quarter or more red. */
function level(f: number | null): string {
  if (!f) return "succeeded";
  return f >= 0.25 ? "failed" : "cancelled";
}
