// Run actions (state/runActions) against the server, with their failure message as state.
import { useMemo, useState } from "preact/hooks";
import { api } from "../api/client";
import { type RunActions, runActions } from "../state/runActions";

export interface RunActionsState extends RunActions {
  error: string | null; // the last action's failure
  dismiss: () => void;
}

export function useRunActions(): RunActionsState {
  const [error, setError] = useState<string | null>(null);
  const actions = useMemo(
    () => runActions({ api, confirm: (q) => window.confirm(q), report: setError }),
    [],
  );
  return { ...actions, error, dismiss: () => setError(null) };
}
