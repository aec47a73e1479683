// A run's layers: output shape, parameters and FLOPs per layer, indented by depth, with totals.
import type { Summary } from "../../api/types";
import { formatCount, formatShape } from "../../state/format";

export function LayerTable({ summary }: { summary: Summary }) {
  return (
    <section class="panel" aria-labelledby="layers-title">
      <h2 id="layers-title">Layers</h2>
      <div class="layer-table-wrap">
        <table class="layer-table" data-testid="layer-table">
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col">Output shape</th>
              <th scope="col" class="num">
                Parameters
              </th>
              <th scope="col" class="num">
                FLOPs / sample
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td class="muted">input</td>
              <td class="mono">{formatShape(summary.input_shape)}</td>
              <td class="num" />
              <td class="num" />
            </tr>
            {summary.layers.map((l) => (
              <tr key={l.path} title={l.path}>
                <td style={{ paddingLeft: `${8 + l.depth * 16}px` }}>{l.label}</td>
                <td class="mono">{formatShape(l.output_shape)}</td>
                <td class="num">{formatCount(l.params)}</td>
                <td class="num">{formatCount(l.flops)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td class="mono">{formatShape(summary.output_shape)}</td>
              <td class="num">{formatCount(summary.params)}</td>
              <td class="num">{formatCount(summary.flops)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
