// A select over a param's enum values ("—" first when it may be null).
import type { Json } from "../api/types";
import type { FieldKind } from "../state/fields";

interface Props {
  id: string;
  kind: Extract<FieldKind, { kind: "enum" }>;
  value: Json | undefined;
  invalid: boolean;
  onChange: (v: Json) => void;
}

export function EnumField({ id, kind, value, invalid, onChange }: Props) {
  return (
    <select
      id={id}
      value={value === null || value === undefined ? "" : String(value)}
      aria-invalid={invalid}
      onChange={(e) => {
        const s = (e.target as HTMLSelectElement).value;
        const opt = kind.options.find((o) => String(o) === s);
        onChange(opt === undefined ? null : opt);
      }}
    >
      {kind.nullable && <option value="">—</option>}
      {kind.options.map((o) => (
        <option key={String(o)} value={String(o)}>
          {String(o)}
        </option>
      ))}
    </select>
  );
}
