// A nested spec object (split, gradient clipping, early stopping, augmentation); optional ones
// get an on/off switch.
import type { Json, JsonObject, Param } from "../api/types";
import type { FieldKind } from "../state/fields";
import { fieldId } from "./Field";
import { FieldLabel } from "./FieldLabel";
import { useForm } from "./formContext";
import { ParamForm } from "./ParamForm";

// Switching an optional object on starts it valid where an empty one is not.
const STARTERS: Record<string, JsonObject> = { GradClip: { max_norm: 1 } };

interface Props {
  param: Param;
  kind: Extract<FieldKind, { kind: "object" }>;
  value: Json | undefined;
  path: string;
  onChange: (v: Json | undefined) => void;
}

export function ObjectField({ param, kind, value, path, onChange }: Props) {
  const { catalog } = useForm();
  const params = catalog.objects?.[kind.name] ?? [];
  const on = value !== null && value !== undefined;
  const obj = (on && typeof value === "object" && !Array.isArray(value) ? value : {}) as JsonObject;
  const id = fieldId(path);
  return (
    <fieldset class="field wide object">
      <legend>
        {kind.nullable ? (
          <FieldLabel param={param} htmlFor={id}>
            <input
              id={id}
              type="checkbox"
              checked={on}
              onChange={(e) =>
                onChange((e.target as HTMLInputElement).checked ? { ...STARTERS[kind.name] } : null)
              }
            />
          </FieldLabel>
        ) : (
          <FieldLabel param={param} />
        )}
      </legend>
      {(on || !kind.nullable) && (
        <ParamForm params={params} value={obj} path={path} onChange={(v) => onChange(v)} />
      )}
    </fieldset>
  );
}
