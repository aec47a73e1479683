// The spec checked by POST /api/validate as it is edited (debounced): layer rows and errors.
import { useMemo } from "preact/hooks";
import { api } from "../api/client";
import type { ErrorItem, LayerRow, SpecJson, Summary } from "../api/types";
import { rowsByPath } from "../state/playground";
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

export function useValidation(spec: SpecJson, token: string): Validation {
  const v = useDebouncedRequest(token, (signal) => api.validate(spec, signal), DEBOUNCE_MS);
  const rows = useMemo(() => rowsByPath(v.data), [v.data]);
  const errors = useMemo(() => v.error?.items ?? [], [v.error]);
  return {
    summary: v.data,
    pending: v.pending,
    errors,
    rows,
    serverDown: v.error?.status === 0 ? v.error.message : null,
  };
}
