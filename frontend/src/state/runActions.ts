// What a user can do to a run (rename, tag, cancel, rerun, delete) with its failure reported
// as one message; plain, with the server and the confirm dialog passed in (hooks/useRunActions).
import { errorMessage, type HoldAction } from "../api/client";
import type { Run } from "../api/types";
import { isActive } from "./status";

export interface RunActionDeps {
  api: {
    patchRun(id: number, patch: RunPatch): Promise<Run>;
    cancelRun(id: number): Promise<Run>;
    holdRun(id: number, action: HoldAction): Promise<Run>;
    rerun(id: number): Promise<Run>;
    deleteRun(id: number): Promise<void>;
  };
  confirm(question: string): boolean;
  /** The message to show (null: clear it when an action starts). */
  report(message: string | null): void;
}

export type RunPatch = { name?: string; tags?: string[] };

/** Each resolves to its result, or null when it failed (reported) or was declined. */
export interface RunActions {
  patch(id: number, patch: RunPatch, what?: string): Promise<Run | null>;
  cancel(id: number): Promise<Run | null>;
  hold(id: number, action: HoldAction): Promise<Run | null>;
  rerun(id: number): Promise<Run | null>;
  remove(run: Pick<Run, "id" | "name" | "status">): Promise<true | null>;
}

export function runActions({ api, confirm, report }: RunActionDeps): RunActions {
  const attempt = <T>(what: string, id: number, call: () => Promise<T>): Promise<T | null> => {
    report(null);
    return call().catch((e: unknown) => {
      report(`Could not ${what} run ${id}: ${errorMessage(e)}`);
      return null;
    });
  };
  return {
    patch: (id, patch, what = "change") => attempt(what, id, () => api.patchRun(id, patch)),
    cancel: (id) => attempt("cancel", id, () => api.cancelRun(id)),
    hold: (id, action) => attempt(action, id, () => api.holdRun(id, action)),
    rerun: (id) => attempt("rerun", id, () => api.rerun(id)),
    remove: (run) => {
      if (!confirm(deletePrompt(run))) return Promise.resolve(null);
      return attempt("delete", run.id, () => api.deleteRun(run.id).then(() => true as const));
    },
  };
}

/** The question before a delete; an active run is cancelled first, so it says so. */
export function deletePrompt(run: Pick<Run, "id" | "name" | "status">): string {
  const active = isActive(run.status) ? ` It is still ${run.status} and will be cancelled.` : "";
  return `Delete run ${run.id} "${run.name}" and all its metrics?${active}`;
}
