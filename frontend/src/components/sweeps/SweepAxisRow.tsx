// One swept field in the builder: its values as a comma list, a range (start, end, number
// of points, log or linear spacing) or random draws between two ends, what they come to,
// and what is wrong with them.
import type { SweepAxis } from "../../state/sweepBuild";
import { axisValues, canDraw, parseDist } from "../../state/sweepBuild";
import type { SweepField } from "../../state/sweepFields";
import { shortPath } from "../../state/sweepFields";
import { formatParam } from "../../state/sweepView";

interface RowProps {
  axis: SweepAxis;
  field: SweepField | undefined;
  errors: string[];
  onChange: (patch: Partial<SweepAxis>) => void;
  onRemove: () => void;
}

export function SweepAxisRow({ axis, field, errors, onChange, onRemove }: RowProps) {
  const random = axis.mode === "random";
  const values = field && !random ? axisValues(axis, field) : null;
  const dist = field && random ? parseDist(axis, field) : null;
  const id = `sweep-${axis.path.replace(/[^\w]+/g, "-")}`;
  const numeric = field?.kind === "number";
  const input = (key: "lo" | "hi" | "n", label: string) => (
    <label class="field">
      <span class="field-label">{label}</span>
      <input
        type="text"
        inputMode="decimal"
        value={axis[key]}
        data-testid={`sweep-axis-${key}`}
        onInput={(e) => onChange({ [key]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );
  return (
    <li class="sweep-axis" data-testid="sweep-axis" data-path={axis.path}>
      <div class="row">
        <strong title={axis.path}>{shortPath(axis.path)}</strong>
        <code class="muted">{axis.path}</code>
        <span class="spacer" />
        {numeric && (
          <select
            aria-label={`How to give ${shortPath(axis.path)}'s values`}
            value={axis.mode}
            data-testid="sweep-axis-mode"
            onChange={(e) =>
              onChange({ mode: (e.target as HTMLSelectElement).value as SweepAxis["mode"] })
            }
          >
            <option value="list">values</option>
            <option value="range">range</option>
            {field && canDraw(field) && <option value="random">random</option>}
          </select>
        )}
        <button
          type="button"
          class="link"
          onClick={onRemove}
          aria-label={`Stop sweeping ${axis.path}`}
        >
          Remove
        </button>
      </div>
      {axis.mode === "list" || !numeric ? (
        <label class="field" for={id}>
          <span class="field-label">
            Values, separated by commas
            {field?.kind === "choice" && ` (from ${field.options.join(", ")})`}
          </span>
          <input
            id={id}
            type="text"
            value={axis.text}
            aria-invalid={errors.length > 0 || values?.ok === false}
            data-testid="sweep-axis-values"
            onInput={(e) => onChange({ text: (e.target as HTMLInputElement).value })}
          />
        </label>
      ) : (
        <div class="row sweep-range">
          {input("lo", "From")}
          {input("hi", "To")}
          {!random && input("n", "Points")}
          <label class="field">
            <span class="field-label">Spacing</span>
            <select
              value={axis.scale}
              data-testid="sweep-axis-scale"
              onChange={(e) =>
                onChange({ scale: (e.target as HTMLSelectElement).value as SweepAxis["scale"] })
              }
            >
              <option value="log">log (×10 steps)</option>
              <option value="linear">linear</option>
            </select>
          </label>
        </div>
      )}
      {values?.ok && (
        <p class="muted small" data-testid="sweep-axis-preview">
          {values.values.length} value{values.values.length === 1 ? "" : "s"}:{" "}
          {values.values.map(formatParam).join(", ")}
        </p>
      )}
      {values && !values.ok && <p class="field-error">{values.error}</p>}
      {dist?.ok && (
        <p class="muted small" data-testid="sweep-axis-preview">
          drawn at random from {axis.lo} to {axis.hi}
          {axis.scale === "log" ? ", evenly in powers of ten" : ""}, once per sample
        </p>
      )}
      {dist && !dist.ok && <p class="field-error">{dist.error}</p>}
      {errors.map((e) => (
        <p key={e} class="field-error" role="alert" data-testid="sweep-axis-error">
          {e}
        </p>
      ))}
    </li>
  );
}
