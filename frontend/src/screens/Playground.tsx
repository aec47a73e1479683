// The home screen: build a spec (data, model, training), train it, watch it learn.
// Data: hooks/usePlaygroundSpec (the spec and run on screen, state/screen.ts), useValidation,
// useTrain (state/train.ts).
import { useMemo, useState } from "preact/hooks";
import type { Catalog } from "../api/types";
import { DataPanel } from "../components/DataPanel";
import { ExperimentsPanel } from "../components/ExperimentsPanel";
import { FormContext, type FormState } from "../components/formContext";
import { ModelPanel } from "../components/ModelPanel";
import { PresetPicker } from "../components/PresetPicker";
import { RunControls } from "../components/RunControls";
import { RunPanel } from "../components/RunPanel";
import { RunQueuing } from "../components/RunQueuing";
import { SweepBuilder } from "../components/sweeps/SweepBuilder";
import { TrainingPanel } from "../components/TrainingPanel";
import { usePlaygroundSpec } from "../hooks/usePlaygroundSpec";
import { useTrain } from "../hooks/useTrain";
import { useValidation } from "../hooks/useValidation";
import { withLr } from "../state/experiments";
import type { Route } from "../state/route";
import "./playground.css";

type PlayRoute = Extract<Route, { screen: "play" }>;

export function Playground({ route, catalog }: { route: PlayRoute; catalog: Catalog }) {
  const { spec, token, update, load, generation, badLink, runId, setRunId } =
    usePlaygroundSpec(route);
  const validation = useValidation(spec, token, generation);
  const { errors, rows } = validation;
  const submit = useTrain(setRunId);
  const form: FormState = useMemo(
    () => ({ catalog, errors, rows, update }),
    [catalog, errors, rows],
  );
  const queuing = submit.state.phase === "submitting";
  const [sweeping, setSweeping] = useState(false);

  return (
    <FormContext.Provider value={form}>
      <div class="playground">
        <div class="editor">
          {badLink && (
            <div class="banner error" role="alert">
              The spec in this link is damaged; showing the starter network.
            </div>
          )}
          <PresetPicker spec={spec} onLoad={load} />
          <DataPanel key={generation} data={spec.data} generation={generation} />
          <ModelPanel
            key={generation}
            layers={spec.model.layers}
            summary={validation.summary}
            pending={validation.pending}
          />
          <TrainingPanel key={generation} training={spec.training} />
          <ExperimentsPanel
            key={generation}
            spec={spec}
            disabled={errors.length > 0}
            onUseLr={(lr) => update((s) => withLr(s, lr))}
          />
        </div>
        <div class="viewer">
          <RunControls
            name={spec.name ?? ""}
            onName={(name) => update((s) => ({ ...s, name }))}
            onTrain={() => submit.train(spec)}
            onSweep={() => setSweeping(true)}
            errors={errors}
            serverDown={validation.serverDown}
            train={submit.state}
          />
          {sweeping && (
            <SweepBuilder
              spec={spec}
              catalog={catalog}
              blocked={errors.length > 0}
              onClose={() => setSweeping(false)}
            />
          )}
          {queuing ? (
            <RunQueuing />
          ) : runId !== undefined ? (
            <RunPanel key={runId} runId={runId} expect={spec.expect} data={spec.data} />
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
