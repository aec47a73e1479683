// A layer's fields: what it needs and what it sets in view, the other options one click away,
// so a stack of layers stays readable.
import { useState } from "preact/hooks";
import type { Entry, JsonObject } from "../api/types";
import { splitParams } from "../state/fields";
import { learnerLabel } from "../state/labels";
import type { LayerAddr } from "../state/spec";
import { TRANSFER_FIELDS } from "../state/transfer";
import { errorsAt, useForm } from "./formContext";
import { ParamForm } from "./ParamForm";

interface Props {
  entry: Entry;
  layer: JsonObject;
  addr: LayerAddr;
  path: string;
  onChange: (v: JsonObject) => void;
}

export function LayerFields({ entry, layer, addr, path, onChange }: Props) {
  const { errors } = useForm();
  // Split by what the layer set when it appeared: a field edited later stays where it is,
  // rather than jumping (and losing focus) as it leaves its default.
  const [initial] = useState(() => ({ ...layer }));
  // from_run and freeze have their own controls on the card (LayerTransfer).
  const params = entry.params.filter((p) => !TRANSFER_FIELDS.includes(p.name));
  const { main, more } = splitParams(params, initial);
  // A problem in a folded field unfolds it.
  const open = more.some((p) => errorsAt(errors, `${path}.${p.name}`).length > 0);
  return (
    <>
      <ParamForm params={main} value={layer} path={path} layerAddr={addr} onChange={onChange} />
      {more.length > 0 && (
        <details class="more-options" open={open || undefined}>
          <summary class="small muted">
            {more.length} more option{more.length > 1 ? "s" : ""}:{" "}
            {more.map((p) => learnerLabel(p.name)).join(", ")}
          </summary>
          <ParamForm params={more} value={layer} path={path} layerAddr={addr} onChange={onChange} />
        </details>
      )}
    </>
  );
}
