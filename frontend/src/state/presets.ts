// Presets: the curriculum examples in examples/*.json, bundled at build time (one source of truth).
import type { SpecJson } from "../api/types";
import { jsonEqual } from "./json";
import { asSpec } from "./spec";

export interface Preset {
  id: string; // file name without .json
  title: string;
  description: string; // one line: what it demonstrates
  spec: SpecJson;
}

const FILES = import.meta.glob("../../../examples/*.json", { eager: true, import: "default" });

// The tour a newcomer should see first; the other examples follow alphabetically.
const FEATURED = [
  "perceptron_gaussian",
  "linear_classifier_gaussian",
  "mlp_spiral",
  "no_activation_collapse_circle",
  "cnn_digits",
  "lenet_digits",
  "vgg_digits",
  "resnet_digits",
  "lstm_parity",
  "gru_sine",
  "transformer_parity",
];

export function loadPresets(files: Record<string, unknown> = FILES): Preset[] {
  const out: Preset[] = [];
  for (const [path, raw] of Object.entries(files)) {
    const spec = asSpec(raw);
    if (!spec) continue;
    const id = path.replace(/^.*\//, "").replace(/\.json$/, "");
    out.push({ id, title: spec.name || id, description: spec.description ?? "", spec });
  }
  const rank = (id: string) => {
    const i = FEATURED.indexOf(id);
    return i < 0 ? FEATURED.length : i;
  };
  return out.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

export const PRESETS: Preset[] = loadPresets();

export const CUSTOM = "custom";

/** The id of the preset whose spec is exactly the one on screen, else "custom". */
export function presetOnScreen(spec: SpecJson, presets: readonly Preset[] = PRESETS): string {
  return presets.find((p) => jsonEqual(p.spec, spec))?.id ?? CUSTOM;
}
