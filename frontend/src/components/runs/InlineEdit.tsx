// A text box in place of a value: runs-table names and tags, the run page's title.
import { useEffect, useRef, useState } from "preact/hooks";

/** A text box that saves on Enter and gives up on Escape (also used by RunDetail). */
export function InlineEdit({
  label,
  initial,
  onSave,
  onCancel,
}: {
  label: string;
  initial: string;
  onSave: (v: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  return (
    <form
      class="inline-edit"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(value);
      }}
    >
      <input
        ref={input}
        aria-label={label}
        value={value}
        maxLength={200}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => e.key === "Escape" && onCancel()}
      />
      <button type="submit">Save</button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
