// A layer card's tool buttons: move up or down, insert above, duplicate, remove.
import {
  duplicateLayer,
  insertLayer,
  type LayerAddr,
  moveLayer,
  newLayer,
  removeLayer,
} from "../state/spec";
import { useForm } from "./formContext";

interface Props {
  addr: LayerAddr;
  type: string; // an inserted layer is a new one of this type
  name: string; // "layer 2 (Linear)", for the buttons' labels
  count: number; // layers in this stack, to disable moves past the ends
}

export function LayerTools({ addr, type, name, count }: Props) {
  const { catalog, update } = useForm();
  const index = addr[addr.length - 1];
  return (
    // biome-ignore lint/a11y/useSemanticElements: role="group" on an inline span is valid ARIA; a <fieldset> would bring its own border and layout
    <span class="layer-tools" role="group" aria-label={`Actions for ${name}`}>
      <button
        type="button"
        class="icon"
        title="Move up"
        aria-label={`Move ${name} up`}
        disabled={index === 0}
        onClick={() => update((s) => moveLayer(s, addr, -1))}
      >
        ↑
      </button>
      <button
        type="button"
        class="icon"
        title="Move down"
        aria-label={`Move ${name} down`}
        disabled={index === count - 1}
        onClick={() => update((s) => moveLayer(s, addr, 1))}
      >
        ↓
      </button>
      <button
        type="button"
        class="icon"
        title="Insert a new layer above"
        aria-label={`Insert a layer above ${name}`}
        onClick={() => update((s) => insertLayer(s, addr, newLayer(catalog, type)))}
      >
        +
      </button>
      <button
        type="button"
        class="icon"
        title="Duplicate"
        aria-label={`Duplicate ${name}`}
        onClick={() => update((s) => duplicateLayer(s, addr))}
      >
        2×
      </button>
      <button
        type="button"
        class="icon danger"
        title="Remove"
        aria-label={`Remove ${name}`}
        onClick={() => update((s) => removeLayer(s, addr))}
      >
        ✕
      </button>
    </span>
  );
}
