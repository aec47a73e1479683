// A run's stored record: loaded, retried while the server is down, and loaded again when the
// live stream brings a new status (its times and results changed too).
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, errorMessage } from "../api/client";
import type { Run, RunStatus } from "../api/types";
import { loadFailed, type RunLoad, statusChanged } from "../state/runRecord";
import { useAutoRetry } from "./useLoad";

export interface RunRecord {
  load: RunLoad;
  retry: () => void;
  /** A newer record from an action (rename, cancel). */
  setRun: (run: Run) => void;
  /** The stream's status: reloads when the record has another. */
  statusSeen: (status: RunStatus) => void;
}

export function useRunRecord(id: number): RunRecord {
  const [load, setLoad] = useState<RunLoad>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [liveStatus, setLiveStatus] = useState<RunStatus | null>(null);
  const retry = () => setAttempt((a) => a + 1);

  useEffect(() => {
    let current = true;
    api.getRun(id).then(
      (run) => current && setLoad({ state: "ok", run }),
      (e: unknown) => {
        const status = e instanceof ApiError ? e.status : 0;
        if (current) setLoad((prev) => loadFailed(prev, status, errorMessage(e)));
      },
    );
    return () => {
      current = false;
    };
  }, [id, attempt, liveStatus]);

  useAutoRetry(load.state === "error", retry, attempt);

  return {
    load,
    retry,
    setRun: (run) => setLoad({ state: "ok", run }),
    statusSeen: (status) => statusChanged(load, status) && setLiveStatus(status),
  };
}
