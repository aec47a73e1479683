// One click loads a curriculum example; its one-line explanation shows before loading.
import { useState } from "preact/hooks";
import type { SpecJson } from "../api/types";
import { jsonEqual } from "../state/json";
import { PRESETS } from "../state/presets";

export function PresetPicker({
  spec,
  onLoad,
}: {
  spec: SpecJson;
  onLoad: (spec: SpecJson) => void;
}) {
  // Start on the preset on screen (a link to one), else the classic spiral MLP.
  const [id, setId] = useState(
    () =>
      (
        PRESETS.find((p) => jsonEqual(p.spec, spec)) ??
        PRESETS.find((p) => p.id === "mlp_spiral") ??
        PRESETS[0]
      )?.id ?? "",
  );
  const preset = PRESETS.find((p) => p.id === id);
  return (
    <section class="panel presets" aria-labelledby="presets-h">
      <h2 id="presets-h">Presets</h2>
      <div class="row">
        <label for="preset" class="visually-hidden">
          Example
        </label>
        <select
          id="preset"
          value={id}
          onChange={(e) => setId((e.target as HTMLSelectElement).value)}
        >
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={() => preset && onLoad(structuredClone(preset.spec))}
          disabled={!preset}
        >
          Load
        </button>
      </div>
      {preset && <p class="muted small preset-desc">{preset.description}</p>}
    </section>
  );
}
