// "Before you train": the learning-rate finder and the sanity checks on the spec on screen.
// Both run on the server on a fresh copy of the model; nothing is stored.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorMessage } from "../api/client";
import type { LrFindOut, SanityCheck, SpecJson } from "../api/types";
import { LrFinderChart } from "../charts/LrFinderChart";
import { CHECK_TITLES, experimentKey, fmtLr, lrSummary, verdictBadge } from "../state/experiments";
import "./experiments.css";

type Pending<T> =
  | { phase: "idle" }
  | { phase: "busy" }
  | { phase: "done"; value: T; key: string } // key: experimentKey of the spec it answered
  | { phase: "failed"; error: string };

type Start<T> = (key: string, request: (signal: AbortSignal) => Promise<T>) => void;

/** One request at a time per kind; a newer click (or leaving) aborts the older one. */
function useRequest<T>(): [Pending<T>, Start<T>] {
  const [state, setState] = useState<Pending<T>>({ phase: "idle" });
  const ctrl = useRef<AbortController | null>(null);
  useEffect(() => () => ctrl.current?.abort(), []);
  const run: Start<T> = (key, request) => {
    ctrl.current?.abort();
    const c = new AbortController();
    ctrl.current = c;
    setState({ phase: "busy" });
    request(c.signal).then(
      (value) => !c.signal.aborted && setState({ phase: "done", value, key }),
      (e: unknown) => !c.signal.aborted && setState({ phase: "failed", error: errorMessage(e) }),
    );
  };
  return [state, run];
}

interface Props {
  spec: SpecJson;
  disabled: boolean; // the spec has errors: the server would only answer 422
  onUseLr: (lr: number) => void;
}

export function ExperimentsPanel({ spec, disabled, onUseLr }: Props) {
  const [finder, find] = useRequest<LrFindOut>();
  const [checks, check] = useRequest<SanityCheck[]>();
  const stale = (state: Pending<unknown>, kind: "lr" | "sanity") =>
    state.phase === "done" && state.key !== experimentKey(spec, kind);
  return (
    <section class="panel experiments" aria-labelledby="experiments-h">
      <h2 id="experiments-h">Before you train</h2>
      <p class="muted small">
        Two quick experiments on a fresh copy of this network (nothing is saved).{" "}
        <strong>Find learning rate</strong> trains a few hundred steps while the rate grows from
        0.000001 to 1 and plots the loss: pick a rate where the loss falls fastest, before it shoots
        up. <strong>Sanity checks</strong> compare the untrained loss with what chance gives, and
        try to memorise 20 samples: a healthy setup passes both in seconds.
      </p>
      <div class="row">
        <button
          type="button"
          disabled={disabled || finder.phase === "busy"}
          aria-busy={finder.phase === "busy"}
          onClick={() => find(experimentKey(spec, "lr"), (signal) => api.lrFind(spec, signal))}
        >
          {finder.phase === "busy" ? "Finding…" : "Find learning rate"}
        </button>
        <button
          type="button"
          disabled={disabled || checks.phase === "busy"}
          aria-busy={checks.phase === "busy"}
          onClick={() =>
            check(experimentKey(spec, "sanity"), (signal) =>
              api.sanity(spec, signal).then((r) => r.checks),
            )
          }
        >
          {checks.phase === "busy" ? "Checking…" : "Sanity checks"}
        </button>
      </div>
      {finder.phase === "failed" && (
        <p class="error-text" role="alert">
          {finder.error}
        </p>
      )}
      {stale(finder, "lr") && <Stale what="plot" />}
      {finder.phase === "done" && <LrResult result={finder.value} onUseLr={onUseLr} />}
      {checks.phase === "failed" && (
        <p class="error-text" role="alert">
          {checks.error}
        </p>
      )}
      {stale(checks, "sanity") && <Stale what="verdicts" />}
      {checks.phase === "done" && <Verdicts checks={checks.value} />}
    </section>
  );
}

function Stale({ what }: { what: string }) {
  return (
    <p class="muted small" data-testid="experiment-stale">
      The spec has changed since these {what} were made: click again for an up-to-date answer.
    </p>
  );
}

function LrResult({ result, onUseLr }: { result: LrFindOut; onUseLr: (lr: number) => void }) {
  const lr = result.suggested_lr;
  return (
    <div class="lr-result" data-testid="lr-result">
      <LrFinderChart result={result} />
      <p class="small" data-testid="lr-note">
        {lrSummary(result)}
      </p>
      {lr !== null && (
        <div class="row">
          <span>
            Suggested learning rate: <strong data-testid="lr-suggested">{fmtLr(lr)}</strong>
          </span>
          <button type="button" class="primary" onClick={() => onUseLr(lr)}>
            Use this lr
          </button>
        </div>
      )}
    </div>
  );
}

function Verdicts({ checks }: { checks: SanityCheck[] }) {
  return (
    <ul class="verdicts" data-testid="sanity-verdicts">
      {checks.map((c) => {
        const badge = verdictBadge(c.verdict);
        return (
          <li key={c.check} data-testid={`verdict-${c.check}`} data-verdict={c.verdict}>
            <span class={`verdict ${badge.tone}`}>{badge.text}</span>{" "}
            <strong>{CHECK_TITLES[c.check]}</strong>
            <span class="small"> {c.message}</span>
          </li>
        );
      })}
    </ul>
  );
}
