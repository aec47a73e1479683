// The hovered unit of the network graph, enlarged, with the weights coming into it.
import { HeatCanvas } from "../../charts/HeatCanvas";
import {
  type GraphLayout,
  incomingWeights,
  NEGATIVE,
  POSITIVE,
  type UnitPicture,
} from "../../state/inspectGraph";
import type { NeuronsResult } from "../../state/inspectViews";

export interface UnitCardProps {
  layout: GraphLayout;
  unit: string | null;
  neurons: NeuronsResult;
  pictures: Map<string, UnitPicture>;
}

export function UnitCard({ layout, unit, neurons, pictures }: UnitCardProps) {
  const pic = unit ? pictures.get(unit) : undefined;
  if (!unit || !pic)
    return (
      <aside class="unit-card muted small">
        Point at a unit to see it larger, with its incoming weights.
      </aside>
    );
  const name = (id: string) => {
    const [path, index] = splitId(id);
    if (path === "input") return neurons.features[Number(index)]?.name ?? id;
    return `unit ${index} of ${path.replace("model.", "")}`;
  };
  const incoming = incomingWeights(layout, unit);
  return (
    <aside class="unit-card" data-testid="unit-card" aria-live="polite">
      <strong class="small">{name(unit)}</strong>
      <HeatCanvas
        plane={pic.plane}
        map="diverging"
        lo={pic.lo}
        hi={pic.hi}
        flipY
        width={160}
        label={`${name(unit)}, enlarged`}
      />
      {incoming.length > 0 && (
        <table class="small unit-weights">
          <caption class="muted">Incoming weights</caption>
          <tbody>
            {incoming.slice(0, 10).map((w) => (
              <tr key={w.from}>
                <td>{name(w.from)}</td>
                <td style={{ color: w.weight >= 0 ? POSITIVE : NEGATIVE }} class="num">
                  {w.weight.toFixed(3)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}

/** "model.layers[0]:3" -> ["model.layers[0]", "3"]. */
function splitId(id: string): [string, string] {
  const at = id.lastIndexOf(":");
  return [id.slice(0, at), id.slice(at + 1)];
}
