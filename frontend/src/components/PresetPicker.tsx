// The curriculum examples: the picker shows the preset on screen (or "custom" once edited);
// choosing another shows what it demonstrates before Load brings it. The loaded preset's
// description (what to look for) and its claims stay in view above the editor.
import { useEffect, useState } from "preact/hooks";
import type { SpecJson } from "../api/types";
import { expectedText } from "../state/claims";
import { CUSTOM, PRESETS, presetOnScreen } from "../state/presets";

export function PresetPicker({
  spec,
  onLoad,
}: {
  spec: SpecJson;
  onLoad: (spec: SpecJson) => void;
}) {
  const onScreen = presetOnScreen(spec);
  const [picked, setPicked] = useState(onScreen);
  // The picker follows the spec: a loaded preset, a link to one, an edit that makes it custom.
  useEffect(() => setPicked(onScreen), [onScreen]);
  const preset = PRESETS.find((p) => p.id === picked);
  const loaded = PRESETS.find((p) => p.id === onScreen);
  const expected = loaded ? expectedText(loaded.spec.expect) : null;
  return (
    <section class="panel presets" aria-labelledby="presets-h">
      <h2 id="presets-h">Presets</h2>
      <div class="row">
        <label for="preset" class="visually-hidden">
          Example
        </label>
        <select
          id="preset"
          value={picked}
          data-on-screen={onScreen}
          onChange={(e) => setPicked((e.target as HTMLSelectElement).value)}
        >
          {onScreen === CUSTOM && <option value={CUSTOM}>custom (your own network)</option>}
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={() => preset && onLoad(structuredClone(preset.spec))}
          disabled={!preset || picked === onScreen}
        >
          Load
        </button>
      </div>
      {preset && picked !== onScreen && <p class="muted small preset-desc">{preset.description}</p>}
      {loaded && picked === onScreen && (
        <div class="preset-loaded" data-testid="preset-description">
          <p class="preset-see">{loaded.description}</p>
          {expected && (
            <p class="preset-expect small" data-testid="preset-expected">
              {expected}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
