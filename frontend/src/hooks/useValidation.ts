// The spec checked by POST /api/validate as it is edited (debounced): layer rows and errors.
// Answers about an earlier generation (another preset) are never shown; while the spec does not
// validate, the layers before the first error keep their rows (state/prefixRows).
import { useMemo, useRef } from "preact/hooks";
import { api } from "../api/client";
import type { ErrorItem, LayerRow, SpecJson, Summary } from "../api/types";
import { type Checked, layerRows } from "../state/prefixRows";
import { useDebouncedRequest } from "./useDebouncedRequest";

export interface Validation {
  summary: Summary | null;
  pending: boolean;
  errors: ErrorItem[]; // 422 items: each shown on its field or layer
  rows: Map<string, LayerRow>;
  /** Why the server could not be asked (unreachable), if so. */
  serverDown: string | null;
}

const DEBOUNCE_MS = 250;

export function useValidation(spec: SpecJson, token: string, generation = 0): Validation {
  const v = useDebouncedRequest<Checked>(
    token,
    (signal) => api.validate(spec, signal).then((summary) => ({ spec, summary })),
    DEBOUNCE_MS,
    String(generation),
  );
  const lastGood = useRef<Checked | null>(null);
  if (v.data) lastGood.current = v.data;
  const errors = useMemo(() => v.error?.items ?? [], [v.error]);
  const summary = v.data?.summary ?? null;
  const rows = useMemo(
    () => layerRows(spec, summary, errors, lastGood.current),
    [v.data, errors, spec],
  );
  return {
    summary,
    pending: v.pending,
    errors,
    rows,
    serverDown: v.error?.status === 0 ? v.error.message : null,
  };
}
