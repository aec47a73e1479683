// The playground's decisions as plain functions: which spec a followed link brings, and what
// validation says where (layer rows by path; errors no field shows).
import type { ErrorItem, LayerRow, SpecJson, Summary } from "../api/types";
import { decodeSpec } from "./url";

/** The spec a link (the route's token) brings on screen: null when there is none, when it is
 * the spec already on screen (our own URL edit), or when it is damaged. */
export function linkedSpec(token: string | undefined, onScreen: string): SpecJson | null {
  if (!token || token === onScreen) return null;
  return decodeSpec(token);
}

/** Whether the route carries a spec token that does not decode. */
export function isBadLink(token: string | undefined): boolean {
  return Boolean(token) && !decodeSpec(token ?? "");
}

/** Validation's layer rows by path ("model.layers[2]"), for the layer cards. */
export function rowsByPath(summary: Summary | null): Map<string, LayerRow> {
  const rows = new Map<string, LayerRow>();
  for (const r of summary?.layers ?? []) rows.set(r.path, r);
  return rows;
}

/** Errors that no field or layer card shows (e.g. about the model as a whole). */
export function looseErrors(errors: ErrorItem[]): ErrorItem[] {
  const placed = (e: ErrorItem) =>
    e.path.startsWith("model.layers[") ||
    e.path.startsWith("data.") ||
    e.path.startsWith("training.");
  return errors.filter((e) => !placed(e));
}

/** "2 problems to fix before training: model: too deep" (loose errors spelled out). */
export function problemsText(errors: ErrorItem[]): string {
  const count = errors.length === 1 ? "1 problem" : `${errors.length} problems`;
  const loose = looseErrors(errors);
  const detail = loose.map((e) => `${e.path || "spec"}: ${e.msg}`).join("; ");
  return `${count} to fix before training${loose.length ? `: ${detail}` : ""}`;
}
