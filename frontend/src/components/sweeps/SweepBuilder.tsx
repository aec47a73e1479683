// The playground's sweep builder: pick fields of the spec on screen, give each a list or a
// range of values, choose how many seeds; it shows how many runs that makes before it starts.
import type { Catalog, SpecJson } from "../../api/types";
import { useSweepBuilder } from "../../hooks/useSweepBuilder";
import { SWEEP_METRICS } from "../../state/sweepBuild";
import { shortPath } from "../../state/sweepFields";
import { formatParam, lowerIsBetter, metricLabel } from "../../state/sweepView";
import { SweepAxisRow } from "./SweepAxisRow";
import "./sweeps.css";

interface BuilderProps {
  spec: SpecJson;
  catalog: Catalog;
  /** The spec on screen has errors: a sweep of it would be rejected. */
  blocked: boolean;
  onClose: () => void;
}

export function SweepBuilder({ spec, catalog, blocked, onClose }: BuilderProps) {
  const b = useSweepBuilder(spec, catalog);
  const free = b.fields.filter((f) => !b.axes.some((a) => a.path === f.path));
  const fieldErrors = (path: string) => [
    ...(b.built.errors[path] && (path === "seeds" || path === "samples")
      ? [b.built.errors[path]]
      : []),
    ...(b.server?.byPath[path] ?? []),
  ];
  const trials = b.built.trials;
  return (
    <section
      class="panel sweep-builder"
      aria-labelledby="sweep-builder-title"
      data-testid="sweep-builder"
    >
      <div class="row">
        <h2 id="sweep-builder-title">Sweep</h2>
        <span class="spacer" />
        <button type="button" class="link" onClick={onClose}>
          Close
        </button>
      </div>
      <p class="muted small">
        A sweep trains the network on the left many times, once for every combination of the values
        you give here, so you can see which settings learn best. Give learning rates on a log scale
        (0.001, 0.01, 0.1): their effect changes by factors, not by steps. Several <em>seeds</em>{" "}
        train each combination again from other random starts, so a lucky start is not mistaken for
        a better setting. <em>Random</em> draws a field anew for every sample: when you tune a few
        fields at once, random samples try more distinct values of each than a grid of the same
        size.
      </p>
      <label class="field">
        <span class="field-label">Add a field to vary</span>
        <select
          data-testid="sweep-add-field"
          value=""
          onChange={(e) => {
            const el = e.target as HTMLSelectElement;
            b.add(el.value);
            el.value = "";
          }}
        >
          <option value="">Choose a field…</option>
          {free.map((f) => (
            <option key={f.path} value={f.path} title={f.help}>
              {shortPath(f.path)} (now {formatParam(f.current ?? null)}) — {f.path}
            </option>
          ))}
        </select>
      </label>
      <ul class="sweep-axes">
        {b.axes.map((a) => (
          <SweepAxisRow
            key={a.path}
            axis={a}
            field={b.fields.find((f) => f.path === a.path)}
            errors={fieldErrors(a.path)}
            onChange={(patch) => b.change(a.path, patch)}
            onRemove={() => b.remove(a.path)}
          />
        ))}
      </ul>
      <div class="row">
        <label class="field">
          <span class="field-label">Seeds per combination</span>
          <input
            type="text"
            inputMode="numeric"
            value={b.seeds}
            size={4}
            aria-invalid={"seeds" in b.built.errors}
            data-testid="sweep-seeds"
            onInput={(e) => b.setSeeds((e.target as HTMLInputElement).value)}
          />
        </label>
        {b.drawing && (
          <label class="field">
            <span class="field-label">Random samples</span>
            <input
              type="text"
              inputMode="numeric"
              value={b.samples}
              size={4}
              aria-invalid={"samples" in b.built.errors}
              data-testid="sweep-samples"
              onInput={(e) => b.setSamples((e.target as HTMLInputElement).value)}
            />
          </label>
        )}
        <label class="field">
          <span class="field-label">Best means</span>
          <select
            value={b.metric}
            data-testid="sweep-metric"
            onChange={(e) => b.setMetric((e.target as HTMLSelectElement).value as typeof b.metric)}
          >
            <option value="">the usual (val accuracy, or val loss)</option>
            {SWEEP_METRICS.map((m) => (
              <option key={m} value={m}>
                {lowerIsBetter(m) ? "lowest" : "highest"} {metricLabel(m)}
              </option>
            ))}
          </select>
        </label>
        <label class="field grow">
          <span class="field-label">Sweep name</span>
          <input
            type="text"
            placeholder={spec.name || "sweep"}
            value={b.name}
            data-testid="sweep-name"
            onInput={(e) => b.setName((e.target as HTMLInputElement).value)}
          />
        </label>
      </div>
      {[...fieldErrors("seeds"), ...fieldErrors("samples")].map((e) => (
        <p key={e} class="field-error">
          {e}
        </p>
      ))}
      {b.server?.general.map((e) => (
        <p key={e} class="error-text" role="alert" data-testid="sweep-error">
          {e}
        </p>
      ))}
      {blocked && (
        <p class="error-text small">Fix the spec's errors first: every trial starts from it.</p>
      )}
      <div class="row">
        <span data-testid="sweep-trial-count" data-trials={trials}>
          {trials > 0 ? (
            <>
              <strong>{trials}</strong> run{trials === 1 ? "" : "s"}
            </>
          ) : (
            "—"
          )}
        </span>
        <span class="spacer" />
        <button
          type="button"
          class="primary"
          disabled={!b.built.request || blocked || b.busy}
          aria-busy={b.busy}
          onClick={b.submit}
          data-testid="sweep-start"
        >
          {b.busy ? "Starting…" : `Start ${trials || ""} run${trials === 1 ? "" : "s"}`}
        </button>
      </div>
    </section>
  );
}
