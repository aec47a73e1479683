// Weight and bias histograms per layer (E2), with their mean and spread.
import { HistogramBars } from "../../charts/HistogramBars";
import { useInspectView } from "../../hooks/useInspectView";
import { formatNumber } from "../../state/format";
import { histogramBars } from "../../state/inspectHist";
import { viewBody } from "../../state/inspectRequest";
import { readWeights } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";

export function WeightsPanel({
  runId,
  snapshot,
  gapMs,
}: {
  runId: number;
  snapshot: number | null;
  gapMs: number;
}) {
  const view = useInspectView(
    runId,
    viewBody("weights", snapshot, { max_values: 1 }),
    readWeights,
    gapMs,
  );
  const w = view.data;
  return (
    <InsidePanel
      title={`Weights${w ? ` · epoch ${w.epoch}` : ""}`}
      explain="How the weights of each layer are spread. Move the epoch slider: they start narrow around 0 (the initialisation) and spread as the network learns; weight decay keeps them narrow."
      testId="weights"
      view={view}
    >
      {w && (
        <div class="hist-list">
          {w.layers.flatMap((l) =>
            l.tensors.map((t) => (
              <div class="hist-row" key={`${l.layer}.${t.name}`}>
                <span class="small hist-name">
                  {l.layer.replace("model.", "")} {l.type} {t.name}
                  <br />
                  <span class="muted">{t.shape.join("×")}</span>
                </span>
                <HistogramBars
                  bars={histogramBars(t.histogram)}
                  label={`${t.name} of ${l.layer}`}
                />
                <span class="small muted">
                  mean {formatNumber(t.mean)}
                  <br />
                  std {formatNumber(t.std)}
                </span>
              </div>
            )),
          )}
        </div>
      )}
    </InsidePanel>
  );
}
