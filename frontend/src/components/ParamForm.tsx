// A generated form for one spec object: a field per catalog param.
import type { Json, JsonObject, Param } from "../api/types";
import { fieldValue, type LayerAddr, setField } from "../state/spec";
import { Field } from "./Field";

interface Props {
  params: Param[];
  value: JsonObject;
  path: string; // JSON path of the object
  onChange: (v: JsonObject) => void;
  skip?: string[];
  layerAddr?: LayerAddr;
}

export function ParamForm({ params, value, path, onChange, skip = [], layerAddr }: Props) {
  const shown = params.filter((p) => !skip.includes(p.name));
  if (!shown.length) return null;
  return (
    <div class="param-form">
      {shown.map((p) => (
        <Field
          key={p.name}
          param={p}
          value={fieldValue(value, p)}
          path={`${path}.${p.name}`}
          layerAddr={layerAddr}
          onChange={(v: Json | undefined) => onChange(setField(value, p, p.name, v))}
        />
      ))}
    </div>
  );
}
