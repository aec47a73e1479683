// A text box that keeps what is typed until it parses, so "0." or "3," can be typed freely.
import { useEffect, useState } from "preact/hooks";
import type { Json } from "../api/types";
import { type FieldKind, parseText, toText } from "../state/fields";

interface Props {
  id: string;
  kind: FieldKind;
  value: Json | undefined;
  placeholder?: string;
  invalid: boolean;
  describedBy?: string;
  onChange: (v: Json) => void;
}

export function TextField({ id, kind, value, placeholder, invalid, describedBy, onChange }: Props) {
  const [draft, setDraft] = useState(toText(value));
  const [error, setError] = useState<string | null>(null);
  // A change from outside (preset, undo, URL) replaces the draft unless it means the same value.
  useEffect(() => {
    const parsed = parseText(draft, kind);
    if (!parsed.ok || toText(parsed.value) !== toText(value)) {
      setDraft(toText(value));
      setError(null);
    }
  }, [toText(value)]);
  const numeric = kind.kind === "number" || kind.kind === "numbers";
  return (
    <>
      <input
        id={id}
        type="text"
        inputMode={numeric ? "decimal" : undefined}
        value={draft}
        placeholder={placeholder}
        aria-invalid={invalid || error !== null}
        aria-describedby={describedBy}
        onInput={(e) => {
          const text = (e.target as HTMLInputElement).value;
          setDraft(text);
          const parsed = parseText(text, kind);
          setError(parsed.ok ? null : parsed.error);
          if (parsed.ok) onChange(parsed.value);
        }}
      />
      {error && <span class="field-error">{error}</span>}
    </>
  );
}
