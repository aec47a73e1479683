// One layer: its type, its fields, its inferred output shape and parameters, its errors,
// and the buttons that move, copy, insert and remove it.
import type { JsonObject } from "../api/types";
import { formatCount, formatShape } from "../state/format";
import { findEntry, type LayerAddr, layerPath, replaceLayer, retypeLayer } from "../state/spec";
import { fromRunOf, isFrozen } from "../state/transfer";
import { errorsAt, useForm } from "./formContext";
import { LayerFields } from "./LayerFields";
import { LayerTools } from "./LayerTools";
import { LayerTransfer } from "./LayerTransfer";
import { LayerTypeOptions } from "./LayerTypeOptions";

interface Props {
  addr: LayerAddr;
  layer: JsonObject;
  count: number; // layers in this stack, to disable moves past the ends
}

export function LayerCard({ addr, layer, count }: Props) {
  const { catalog, rows, errors, update } = useForm();
  const path = layerPath(addr);
  const type = String(layer.type ?? "");
  const entry = findEntry(catalog.layers, type) ?? findEntry(catalog.activations, type);
  const row = rows.get(path);
  const own = errorsAt(errors, path, true); // shape errors name the layer itself
  const name = `layer ${addr.map((i) => i + 1).join(".")} (${type})`;
  const frozen = isFrozen(layer);
  // Transfer controls where there are weights to copy or freeze (or already set); while the
  // spec does not validate there are no rows, so every non-activation layer keeps them.
  const weighted = row ? row.params > 0 : findEntry(catalog.layers, type) !== undefined;
  const transfers = weighted || frozen || fromRunOf(layer) !== null;
  return (
    <li
      class={`layer-card${own.length ? " has-error" : ""}${frozen ? " frozen" : ""}`}
      data-testid="layer-card"
      data-path={path}
    >
      <div class="layer-head">
        <span class="layer-index">{addr.map((i) => i + 1).join(".")}</span>
        <select
          aria-label={`Type of ${name}`}
          value={type}
          title={entry?.description}
          onChange={(e) => {
            const next = retypeLayer(catalog, layer, (e.target as HTMLSelectElement).value);
            update((s) => replaceLayer(s, addr, next));
          }}
        >
          {!entry && <option value={type}>{type}</option>}
          <LayerTypeOptions catalog={catalog} />
        </select>
        <span class="layer-shape mono" data-testid="layer-shape" title="Output shape per sample">
          {row ? `→ ${formatShape(row.output_shape)}` : ""}
        </span>
        <span
          class="layer-params small muted"
          data-testid="layer-params"
          title="Trainable parameters"
        >
          {row ? `${formatCount(row.params)} params` : ""}
        </span>
        {frozen && (
          <span class="frozen-badge small" data-testid="layer-frozen" title="Weights fixed">
            ❄ frozen
          </span>
        )}
        <span class="spacer" />
        <LayerTools addr={addr} type={type} name={name} count={count} />
      </div>
      {own.length > 0 && (
        <p class="layer-error" role="alert" data-testid="layer-error">
          {own.map((e) => e.msg).join("; ")}
        </p>
      )}
      {entry && transfers && (
        <LayerTransfer
          layer={layer}
          path={path}
          name={name}
          onChange={(v) => update((s) => replaceLayer(s, addr, v))}
        />
      )}
      {entry && (
        <LayerFields
          key={type}
          entry={entry}
          layer={layer}
          addr={addr}
          path={path}
          onChange={(v) => update((s) => replaceLayer(s, addr, { ...v, type }))}
        />
      )}
    </li>
  );
}
