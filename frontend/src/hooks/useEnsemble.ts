// Scoring the selected runs as an ensemble (POST /api/ensembles): result, error, busy.
import { useState } from "preact/hooks";
import { api, errorMessage } from "../api/client";
import type { EnsembleMethod, EnsembleOut } from "../api/types";

export interface EnsembleState {
  result: EnsembleOut | null;
  error: string | null;
  busy: boolean;
  score: (ids: number[], method: EnsembleMethod) => void;
  close: () => void;
}

export function useEnsemble(): EnsembleState {
  const [result, setResult] = useState<EnsembleOut | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const score = (ids: number[], method: EnsembleMethod) => {
    setBusy(true);
    setError(null);
    api
      .ensemble(ids, method)
      .then(setResult, (e: unknown) => {
        setResult(null);
        setError(errorMessage(e));
      })
      .finally(() => setBusy(false));
  };
  const close = () => {
    setResult(null);
    setError(null);
  };
  return { result, error, busy, score, close };
}
