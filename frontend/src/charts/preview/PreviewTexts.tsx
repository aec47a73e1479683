// Text samples of a data preview, whitespace made visible, each with its label.
import type { DataPreview } from "../../api/client";
import { type LabelOf, visible } from "./label";

const MAX_TEXTS = 20;

export function PreviewTexts({
  preview,
  label,
}: {
  preview: Extract<DataPreview, { kind: "text" }>;
  label: LabelOf;
}) {
  return (
    <ul class="preview-texts">
      {preview.texts.slice(0, MAX_TEXTS).map((s, i) => (
        <li key={i}>
          <code>{visible(s.text)}</code> →{" "}
          <span class="preview-label">{visible(label(s.label)).replace(/^ $/, "␣")}</span>
        </li>
      ))}
    </ul>
  );
}
