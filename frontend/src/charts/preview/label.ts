// How a data preview names a target: a class's name (or index) for classification, else the value.
import type { DataPreview } from "../../api/client";

export type LabelOf = (v: number | string) => string;

export function labelOf(preview: DataPreview): LabelOf {
  return (v) =>
    typeof v === "number" && preview.task === "classification"
      ? (preview.class_names?.[v] ?? String(v))
      : String(v);
}

/** Whitespace made visible, so "the end\n" and "the end " read differently. */
export function visible(text: string): string {
  return text.replace(/\n/g, "⏎").replace(/\t/g, "⇥");
}
