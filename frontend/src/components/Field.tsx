// One generated form field: label, the widget its catalog param calls for, and its errors.
import type { JSX } from "preact";
import type { Json, JsonObject, Param } from "../api/types";
import { fieldKind } from "../state/fields";
import { learnerLabel, logSliderRange } from "../state/labels";
import type { LayerAddr } from "../state/spec";
import { ChoiceField } from "./ChoiceField";
import { EnumField } from "./EnumField";
import { FieldLabel } from "./FieldLabel";
import { errorsAt, useForm } from "./formContext";
import { LayerStack } from "./LayerStack";
import { LogSlider } from "./LogSlider";
import { MultiField } from "./MultiField";
import { ObjectField } from "./ObjectField";
import { TextField } from "./TextField";

interface Props {
  param: Param;
  value: Json | undefined;
  path: string; // JSON path of this field, e.g. "model.layers[0].out_features"
  onChange: (v: Json | undefined) => void;
  layerAddr?: LayerAddr; // set inside a layer card, for nested stacks
}

export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_]+/g, "-").replace(/-$/, "")}`;
}

function slider(param: Param, kind: { kind: string }): boolean {
  return kind.kind === "number" && logSliderRange(param.name) !== null;
}

// About 80 lines on purpose: one branch per kind of field, read top to bottom.
export function Field({ param, value, path, onChange, layerAddr }: Props) {
  const { errors } = useForm();
  const kind = fieldKind(param);
  const id = fieldId(path);
  if (kind.kind === "layers") {
    return (
      <div class="field wide">
        <FieldLabel param={param} />
        <LayerStack parent={layerAddr ?? []} layers={(value as JsonObject[]) ?? []} />
      </div>
    );
  }
  if (kind.kind === "choice") {
    return <ChoiceField param={param} kind={kind} value={value} path={path} onChange={onChange} />;
  }
  if (kind.kind === "object") {
    return <ObjectField param={param} kind={kind} value={value} path={path} onChange={onChange} />;
  }
  const errs = errorsAt(errors, path);
  const helpId = errs.length ? `${id}-err` : undefined;
  let widget: JSX.Element;
  if (kind.kind === "bool") {
    widget = (
      <input
        id={id}
        type="checkbox"
        checked={Boolean(value)}
        onChange={(e) => onChange((e.target as HTMLInputElement).checked)}
      />
    );
  } else if (kind.kind === "enum") {
    widget = (
      <EnumField id={id} kind={kind} value={value} invalid={errs.length > 0} onChange={onChange} />
    );
  } else if (kind.kind === "multi") {
    widget = <MultiField id={id} kind={kind} value={value} onChange={onChange} />;
  } else {
    const nullable = (kind.kind === "text" || kind.kind === "number") && kind.nullable;
    const slider = kind.kind === "number" ? logSliderRange(param.name) : null;
    const box = (
      <TextField
        id={id}
        kind={kind}
        value={value}
        placeholder={nullable ? "auto" : undefined}
        invalid={errs.length > 0}
        describedBy={helpId}
        onChange={onChange}
      />
    );
    widget = slider ? (
      <span class="with-slider">
        {box}
        <LogSlider
          label={learnerLabel(param.name)}
          range={slider}
          value={value}
          onChange={onChange}
        />
      </span>
    ) : (
      box
    );
  }
  return (
    <div class={`field${kind.kind === "multi" || slider(param, kind) ? " wide" : ""}`}>
      <FieldLabel
        param={param}
        id={`${id}-label`}
        htmlFor={kind.kind === "multi" ? undefined : id}
      />
      {widget}
      {errs.length > 0 && (
        <span id={helpId} class="field-error" role="alert">
          {errs.map((e) => e.msg).join("; ")}
        </span>
      )}
    </div>
  );
}
