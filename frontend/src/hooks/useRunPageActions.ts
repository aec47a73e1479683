// A run page's actions: rename and cancel update the record shown, rerun opens the new run,
// delete goes back to the list, ablate opens the ablation sweep it starts.
import { useState } from "preact/hooks";
import { api, errorMessage } from "../api/client";
import type { Run, RunStatus } from "../api/types";
import { nothingToAblate } from "../state/ablation";
import { navigate } from "../state/route";
import { useRunActions } from "./useRunActions";

export interface RunPageActions {
  /** Resolves true once the new name is saved. */
  rename: (name: string) => Promise<boolean>;
  cancel: () => void;
  rerun: () => void;
  remove: () => void;
  /** Start an ablation sweep of this run and open it. */
  ablate: () => void;
  error: string | null;
}

export function useRunPageActions(
  run: Run,
  status: RunStatus, // the live one: deleting an active run says it cancels it
  onChange: (run: Run) => void,
): RunPageActions {
  const actions = useRunActions();
  const [ablateError, setAblateError] = useState<string | null>(null);
  return {
    rename: (name) =>
      actions.patch(run.id, { name }, "rename").then((r) => {
        if (r) onChange(r);
        return r !== null;
      }),
    cancel: () => actions.cancel(run.id).then((r) => r && onChange(r)),
    rerun: () => actions.rerun(run.id).then((r) => r && navigate({ screen: "run", id: r.id })),
    remove: () =>
      actions
        .remove({ ...run, status })
        .then((done) => done && navigate({ screen: "runs", filter: {} })),
    ablate: () =>
      api.ablate(run.id).then(
        (out) =>
          out.sweep
            ? navigate({ screen: "sweep", id: out.sweep.id })
            : setAblateError(nothingToAblate(out.proposals)),
        (e: unknown) => setAblateError(`Could not ablate: ${errorMessage(e)}`),
      ),
    error: actions.error ?? ablateError,
  };
}
