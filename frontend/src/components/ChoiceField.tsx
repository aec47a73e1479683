// A field whose value is one catalog entry with its own params: an activation, an optimizer, ...
import type { Json, JsonObject, Param } from "../api/types";
import { choiceType, type FieldKind } from "../state/fields";
import { findEntry } from "../state/spec";
import { TRANSFER_FIELDS } from "../state/transfer";
import { fieldId } from "./Field";
import { FieldLabel } from "./FieldLabel";
import { errorsAt, useForm } from "./formContext";
import { ParamForm } from "./ParamForm";

interface Props {
  param: Param;
  kind: Extract<FieldKind, { kind: "choice" }>;
  value: Json | undefined;
  path: string;
  onChange: (v: Json | undefined) => void;
}

export function ChoiceField({ param, kind, value, path, onChange }: Props) {
  const { catalog, errors } = useForm();
  const entries = catalog[kind.from];
  const type = choiceType(value);
  const entry = findEntry(entries, type);
  // An activation chosen as a layer's shorthand is part of that layer (frozen with it), so
  // its own from_run and freeze are left out here.
  const params = (entry?.params ?? []).filter(
    (p) => kind.from !== "activations" || !TRANSFER_FIELDS.includes(p.name),
  );
  // Specs may say "ReLU" for {"type": "ReLU"}; the form always writes the object form.
  const obj: JsonObject =
    value && typeof value === "object" && !Array.isArray(value) ? value : type ? { type } : {};
  const id = fieldId(path);
  const errs = errorsAt(errors, path, true);
  const noneLabel = param.name === "activation" ? "none" : "default";
  return (
    <div class={`field choice${entry?.params.length ? " wide" : ""}`}>
      <FieldLabel param={param} htmlFor={id} />
      <select
        id={id}
        value={type ?? ""}
        title={entry?.description}
        aria-invalid={errs.length > 0}
        onChange={(e) => {
          const t = (e.target as HTMLSelectElement).value;
          onChange(t ? { type: t } : kind.nullable ? null : undefined);
        }}
      >
        {(kind.nullable || type === null) && <option value="">{noneLabel}</option>}
        {entries.map((en) => (
          <option key={en.type} value={en.type}>
            {en.type}
          </option>
        ))}
      </select>
      {errs.length > 0 && (
        <span class="field-error" role="alert">
          {errs.map((e) => e.msg).join("; ")}
        </span>
      )}
      {entry && params.length > 0 && (
        <div class="nested">
          <ParamForm
            params={params}
            value={obj}
            path={path}
            onChange={(v) => onChange({ ...v, type: entry.type })}
          />
        </div>
      )}
    </div>
  );
}
