// Receptive field size, jump and start per conv/pool layer (H6), as a table and squares drawn
// to scale over the input.
import { useInspectView } from "../../hooks/useInspectView";
import { formatNumber } from "../../state/format";
import { viewBody } from "../../state/inspectRequest";
import { readReceptiveField } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";

export function ReceptiveFieldPanel({
  runId,
  inputShape,
}: {
  runId: number;
  inputShape: number[];
}) {
  const view = useInspectView(runId, viewBody("receptive_field", null), readReceptiveField);
  const r = view.data;
  const side = inputShape[inputShape.length - 1] ?? 8; // input width, px of the data
  const scale = 120 / Math.max(side, ...(r?.layers.map((l) => l.size[l.size.length - 1]) ?? [1]));
  const dims = (v: number[]) => v.map((x) => formatNumber(x)).join(" × ");
  return (
    <InsidePanel
      title="Receptive field"
      explain="How many input pixels one unit of each layer can see (size), and how far apart neighbouring units look (jump). Stacking layers and pooling let later units see more of the picture."
      testId="receptive-field"
      view={view}
    >
      {r && (
        <div class="row rf">
          <svg
            width={160}
            height={130}
            role="img"
            aria-label="receptive fields drawn over the input"
          >
            <rect x={4} y={4} width={side * scale} height={side * scale} class="rf-input" />
            <text x={6 + side * scale} y={side * scale} class="rf-input-label">
              input
            </text>
            {r.layers.map((l, i) => {
              const s = (l.size[l.size.length - 1] ?? 1) * scale;
              return (
                <rect key={l.layer} x={4} y={4} width={s} height={s} class={`rf-box rf-${i % 4}`} />
              );
            })}
          </svg>
          <table class="small">
            <thead>
              <tr>
                <th>layer</th>
                <th>size</th>
                <th>jump</th>
                <th>start</th>
              </tr>
            </thead>
            <tbody>
              {r.layers.map((l, i) => (
                <tr key={l.layer}>
                  <td>
                    <span class={`rf-key rf-${i % 4}`} /> {l.layer.replace("model.", "")} {l.type}
                  </td>
                  <td>{dims(l.size)}</td>
                  <td>{dims(l.jump)}</td>
                  <td>{dims(l.start)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </InsidePanel>
  );
}
