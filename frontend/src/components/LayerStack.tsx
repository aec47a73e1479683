// The layer stack editor: cards from input to output, and a bar to append a layer.
import { useState } from "preact/hooks";
import type { JsonObject } from "../api/types";
import { insertLayer, type LayerAddr, newLayer } from "../state/spec";
import { useForm } from "./formContext";
import { LayerCard } from "./LayerCard";
import { LayerTypeOptions } from "./LayerTypeOptions";

interface Props {
  parent: LayerAddr; // [] for the model, [i] for the Residual at model.layers[i], ...
  layers: JsonObject[];
}

export function LayerStack({ parent, layers }: Props) {
  const { catalog, update } = useForm();
  const [type, setType] = useState("Linear");
  const where = parent.length ? "block" : "model";
  return (
    <div class={`layer-stack${parent.length ? " inner" : ""}`}>
      <ol class="layers" aria-label={parent.length ? "Inner layers" : "Layers"}>
        {layers.map((layer, i) => (
          <LayerCard key={i} addr={[...parent, i]} layer={layer} count={layers.length} />
        ))}
      </ol>
      {!layers.length && <p class="muted small">No layers yet.</p>}
      <div class="row add-layer">
        <label class="inline">
          <span class="visually-hidden">Layer type to add to the {where}</span>
          <select
            value={type}
            onChange={(e) => setType((e.target as HTMLSelectElement).value)}
            aria-label={`Layer type to add to the ${where}`}
          >
            <LayerTypeOptions catalog={catalog} />
          </select>
        </label>
        <button
          type="button"
          onClick={() =>
            update((s) => insertLayer(s, [...parent, layers.length], newLayer(catalog, type)))
          }
        >
          + Add {parent.length ? "inner " : ""}layer
        </button>
      </div>
    </div>
  );
}
