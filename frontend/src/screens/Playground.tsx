// The home screen: build a spec (data, model, training), train it, watch it learn.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type ApiError, api } from "../api/client";
import type { Catalog, ErrorItem, LayerRow, SpecJson } from "../api/types";
import { DataPanel } from "../components/DataPanel";
import { FormContext, type FormState } from "../components/formContext";
import { ModelPanel } from "../components/ModelPanel";
import { PresetPicker } from "../components/PresetPicker";
import { RunPanel } from "../components/RunPanel";
import { TrainingPanel } from "../components/TrainingPanel";
import { useDebouncedRequest } from "../hooks/useDebouncedRequest";
import { navigate, type Route } from "../state/route";
import { starterSpec } from "../state/spec";
import { decodeSpec, encodeSpec } from "../state/url";
import "./playground.css";

type PlayRoute = Extract<Route, { screen: "play" }>;

export function Playground({ route, catalog }: { route: PlayRoute; catalog: Catalog }) {
  const [spec, setSpec] = useState<SpecJson>(
    () => (route.spec && decodeSpec(route.spec)) || starterSpec(),
  );
  const [runId, setRunId] = useState<number | undefined>(route.run);
  const [submitError, setSubmitError] = useState<ApiError | null>(null);
  // Bumped when a whole new spec arrives (preset, link): the editor starts over with it.
  const [generation, setGeneration] = useState(0);
  const load = (s: SpecJson) => {
    setSpec(s);
    setGeneration((g) => g + 1);
  };
  const token = useMemo(() => encodeSpec(spec), [spec]);
  const badLink = Boolean(route.spec) && !decodeSpec(route.spec ?? "");

  // A link pasted or followed (hashchange) replaces what is on screen.
  const own = useRef(token);
  useEffect(() => {
    if (route.spec && route.spec !== own.current) {
      const s = decodeSpec(route.spec);
      if (s) load(s);
    }
    if (route.run !== undefined) setRunId(route.run);
  }, [route.spec, route.run]);

  // Edits go into the URL without adding history entries.
  useEffect(() => {
    own.current = token;
    navigate({ screen: "play", spec: token, run: runId }, true);
  }, [token, runId]);

  const validation = useDebouncedRequest(token, (signal) => api.validate(spec, signal), 250);
  const errors: ErrorItem[] = validation.error?.items ?? [];
  const rows = useMemo(() => {
    const m = new Map<string, LayerRow>();
    for (const r of validation.data?.layers ?? []) m.set(r.path, r);
    return m;
  }, [validation.data]);
  const form: FormState = useMemo(
    () => ({ catalog, errors, rows, update: (edit) => setSpec((s) => edit(s)) }),
    [catalog, errors, rows],
  );
  // Errors that no field or layer card shows (e.g. about the model as a whole).
  const placed = (e: ErrorItem) =>
    e.path.startsWith("model.layers[") ||
    e.path.startsWith("data.") ||
    e.path.startsWith("training.");
  const loose = errors.filter((e) => !placed(e));
  const serverDown = validation.error?.status === 0;

  async function train() {
    setSubmitError(null);
    try {
      const run = await api.createRun(spec);
      setRunId(run.id);
    } catch (e) {
      setSubmitError(e as ApiError);
    }
  }

  return (
    <FormContext.Provider value={form}>
      <div class="playground">
        <div class="editor">
          {badLink && (
            <div class="banner error" role="alert">
              The spec in this link is damaged; showing the starter network.
            </div>
          )}
          <PresetPicker key={generation} spec={spec} onLoad={load} />
          <DataPanel data={spec.data} />
          <ModelPanel
            key={generation}
            layers={spec.model.layers}
            summary={validation.data}
            pending={validation.pending}
          />
          <TrainingPanel training={spec.training} />
        </div>
        <div class="viewer">
          <section class="panel run-controls" aria-label="Run">
            <div class="row">
              <label class="inline grow">
                <span class="visually-hidden">Run name</span>
                <input
                  type="text"
                  placeholder="Run name (optional)"
                  value={spec.name ?? ""}
                  onInput={(e) => {
                    const name = (e.target as HTMLInputElement).value;
                    setSpec((s) => ({ ...s, name }));
                  }}
                />
              </label>
              <button
                type="button"
                class="primary"
                onClick={train}
                disabled={errors.length > 0 || serverDown}
                data-testid="train"
              >
                Train
              </button>
            </div>
            {serverDown && (
              <p class="error-text" role="alert">
                {validation.error?.message}
              </p>
            )}
            {errors.length > 0 && (
              <p class="error-text small" role="status" data-testid="spec-errors">
                {errors.length === 1 ? "1 problem" : `${errors.length} problems`} to fix before
                training
                {loose.length > 0 &&
                  `: ${loose.map((e) => `${e.path || "spec"}: ${e.msg}`).join("; ")}`}
              </p>
            )}
            {submitError && (
              <p class="error-text" role="alert">
                {submitError.message}
              </p>
            )}
          </section>
          {runId !== undefined ? (
            <RunPanel key={runId} runId={runId} />
          ) : (
            <section class="panel empty">
              <p>
                Build a network on the left and press <strong>Train</strong>: its loss, accuracy,
                gradients and decision boundary appear here as it learns.
              </p>
            </section>
          )}
        </div>
      </div>
    </FormContext.Provider>
  );
}
