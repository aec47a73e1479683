// "Before you train": the learning-rate finder and the sanity checks on the spec on screen.
// Both run on the server on a fresh copy of the model; nothing is stored.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorMessage } from "../api/client";
import type { LrFindOut, SanityCheck, SpecJson } from "../api/types";
import { LrFinderChart } from "../charts/LrFinderChart";
import { CHECK_TITLES, fmtLr, lrSummary, verdictBadge } from "../state/experiments";
import "./experiments.css";

type Pending<T> =
  | { phase: "idle" }
  | { phase: "busy" }
  | { phase: "done"; value: T }
  | {
      phase: "failed";
      error: string;
    };

/** One request at a time per kind; a newer click (or leaving) aborts the older one. */
function useRequest<T>(): [Pending<T>, (start: (signal: AbortSignal) => Promise<T>) => void] {
  const [state, setState] = useState<Pending<T>>({ phase: "idle" });
  const ctrl = useRef<AbortController | null>(null);
  useEffect(() => () => ctrl.current?.abort(), []);
  const run = (start: (signal: AbortSignal) => Promise<T>) => {
    ctrl.current?.abort();
    const c = new AbortController();
    ctrl.current = c;
    setState({ phase: "busy" });
    start(c.signal).then(
      (value) => !c.signal.aborted && setState({ phase: "done", value }),
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
          onClick={() => find((signal) => api.lrFind(spec, signal))}
        >
          {finder.phase === "busy" ? "Finding…" : "Find learning rate"}
        </button>
        <button
          type="button"
          disabled={disabled || checks.phase === "busy"}
          aria-busy={checks.phase === "busy"}
          onClick={() => check((signal) => api.sanity(spec, signal).then((r) => r.checks))}
        >
          {checks.phase === "busy" ? "Checking…" : "Sanity checks"}
        </button>
      </div>
      {finder.phase === "failed" && (
        <p class="error-text" role="alert">
          {finder.error}
        </p>
      )}
      {finder.phase === "done" && <LrResult result={finder.value} onUseLr={onUseLr} />}
      {checks.phase === "failed" && (
        <p class="error-text" role="alert">
          {checks.error}
        </p>
      )}
      {checks.phase === "done" && <Verdicts checks={checks.value} />}
    </section>
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
