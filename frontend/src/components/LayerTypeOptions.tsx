// The <option>s of every layer and activation type, grouped, for the selects that pick one.
import type { Catalog } from "../api/types";

export function LayerTypeOptions({ catalog }: { catalog: Catalog }) {
  return (
    <>
      <optgroup label="Layers">
        {catalog.layers.map((l) => (
          <option key={l.type} value={l.type}>
            {l.type}
          </option>
        ))}
      </optgroup>
      <optgroup label="Activations">
        {catalog.activations.map((l) => (
          <option key={l.type} value={l.type}>
            {l.type}
          </option>
        ))}
      </optgroup>
    </>
  );
}
