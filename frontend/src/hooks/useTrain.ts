// Start a run of the spec (POST /api/runs); its failure, if any, to show.
import { useState } from "preact/hooks";
import { ApiError, api } from "../api/client";
import type { SpecJson } from "../api/types";

export function useTrain(onStarted: (runId: number) => void): {
  train: (spec: SpecJson) => void;
  error: ApiError | null;
} {
  const [error, setError] = useState<ApiError | null>(null);
  const train = (spec: SpecJson) => {
    setError(null);
    api.createRun(spec).then(
      (run) => onStarted(run.id),
      (e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, String(e))),
    );
  };
  return { train, error };
}
