// A field's label: learner words, the PyTorch name in small monospace beside them, and the
// catalog's description as its help (tooltip, and read out with the field).
import type { ComponentChildren } from "preact";
import type { Param } from "../api/types";
import { fieldText } from "../state/labels";

interface Props {
  param: Pick<Param, "name" | "description" | "required">;
  id?: string; // the label's own id
  htmlFor?: string; // the input it labels
  children?: ComponentChildren; // before the text (a switch)
}

export function FieldLabel({ param, id, htmlFor, children }: Props) {
  const t = fieldText(param);
  return (
    <label id={id} for={htmlFor} title={t.help || undefined} class="field-label">
      {children}
      <span class="label-text">{t.label}</span>
      {param.required && <span aria-hidden="true">*</span>}
      {t.pyName && (
        <code class="py-name" title={`PyTorch / spec name: ${t.pyName}`}>
          {t.pyName}
        </code>
      )}
      {t.help && <span class="visually-hidden">: {t.help}</span>}
    </label>
  );
}
