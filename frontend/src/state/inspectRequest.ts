// Bodies of POST /api/runs/{id}/inspect: a view, the epoch whose snapshot it reads ("last" when
// none is chosen) and the view's own fields.
import type { View } from "../api/types";

export type Epoch = number | "last";
/** "neurons", "saliency", ...: the views the server knows (from its OpenAPI document). */
export type ViewName = NonNullable<View["view"]>;

export type ViewBody = { view: string; epoch: Epoch } & Record<string, unknown>;

/** A view request; undefined fields are left out (the server's defaults apply). */
export function viewBody(
  view: string,
  epoch: Epoch | null,
  fields: Record<string, unknown> = {},
): ViewBody {
  const body: ViewBody = { view, epoch: epoch ?? "last" };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) body[k] = v;
  return body;
}

/** A stable key of a request, to skip fetching what is already on screen. */
export function bodyKey(runId: number, body: ViewBody): string {
  return `${runId}:${JSON.stringify(body)}`;
}

/**
 * Typed numbers -> one sequence input of shape (steps, features): "0.1, 0.2 0.3" for one
 * feature; rows split by ";" or new lines for several. Returns an error message instead
 * when the text does not fit the shape.
 */
export function parseSequence(
  text: string,
  inputShape: number[],
): { input: number[][] } | { error: string } {
  const [steps, features = 1] = inputShape;
  const rows = (features > 1 ? text.split(/[;\n]/) : text.split(/[\s,;]+/))
    .map((r) => r.trim())
    .filter(Boolean);
  const values = rows.map((r) =>
    r
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number),
  );
  if (values.some((r) => r.some((v) => !Number.isFinite(v))))
    return { error: "Type numbers only, separated by commas or spaces." };
  if (values.some((r) => r.length !== features))
    return { error: `Each step needs ${features} number${features === 1 ? "" : "s"}.` };
  if (steps && values.length !== steps)
    return { error: `This model reads ${steps} steps; you typed ${values.length}.` };
  return { input: values };
}

/** An example sequence for the input box: a sine over the steps, 2 decimals. */
export function exampleSequence(inputShape: number[]): string {
  const steps = inputShape[0] ?? 10;
  const features = inputShape[1] ?? 1;
  const row = (i: number) =>
    Array.from({ length: features }, () => Math.sin((2 * Math.PI * i) / steps).toFixed(2)).join(
      " ",
    );
  return Array.from({ length: steps }, (_, i) => row(i)).join(features > 1 ? "; " : ", ");
}
