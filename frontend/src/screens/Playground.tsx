// The home screen: build a spec (data, model, training), train it, watch it learn.
// Data: hooks/usePlaygroundSpec (spec <-> URL), hooks/useValidation, hooks/useTrain.
import { useMemo } from "preact/hooks";
import type { Catalog } from "../api/types";
import { DataPanel } from "../components/DataPanel";
import { FormContext, type FormState } from "../components/formContext";
import { ModelPanel } from "../components/ModelPanel";
import { PresetPicker } from "../components/PresetPicker";
import { RunControls } from "../components/RunControls";
import { RunPanel } from "../components/RunPanel";
import { TrainingPanel } from "../components/TrainingPanel";
import { usePlaygroundSpec } from "../hooks/usePlaygroundSpec";
import { useTrain } from "../hooks/useTrain";
import { useValidation } from "../hooks/useValidation";
import type { Route } from "../state/route";
import "./playground.css";

type PlayRoute = Extract<Route, { screen: "play" }>;

export function Playground({ route, catalog }: { route: PlayRoute; catalog: Catalog }) {
  const { spec, token, update, load, generation, badLink, runId, setRunId } =
    usePlaygroundSpec(route);
  const validation = useValidation(spec, token);
  const { errors, rows } = validation;
  const submit = useTrain(setRunId);
  const form: FormState = useMemo(
    () => ({ catalog, errors, rows, update }),
    [catalog, errors, rows],
  );

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
            summary={validation.summary}
            pending={validation.pending}
          />
          <TrainingPanel training={spec.training} />
        </div>
        <div class="viewer">
          <RunControls
            name={spec.name ?? ""}
            onName={(name) => update((s) => ({ ...s, name }))}
            onTrain={() => submit.train(spec)}
            errors={errors}
            serverDown={validation.serverDown}
            submitError={submit.error?.message ?? null}
          />
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
