// A list of distinct enum values (e.g. features) as a group of checkboxes, in click order.
import type { Json } from "../api/types";
import type { FieldKind } from "../state/fields";

interface Props {
  id: string; // the group is labelled by `${id}-label`
  kind: Extract<FieldKind, { kind: "multi" }>;
  value: Json | undefined;
  onChange: (v: Json) => void;
}

export function MultiField({ id, kind, value, onChange }: Props) {
  const chosen = Array.isArray(value) ? (value as string[]) : [];
  return (
    // biome-ignore lint/a11y/useSemanticElements: role="group" on an inline span is valid ARIA; a <fieldset> would bring its own border and layout
    <span class="multi" role="group" aria-labelledby={`${id}-label`}>
      {kind.options.map((o) => (
        <label key={o} class="inline">
          <input
            type="checkbox"
            checked={chosen.includes(o)}
            onChange={(e) => {
              const on = (e.target as HTMLInputElement).checked;
              onChange(on ? [...chosen, o] : chosen.filter((c) => c !== o));
            }}
          />
          {o}
        </label>
      ))}
    </span>
  );
}
