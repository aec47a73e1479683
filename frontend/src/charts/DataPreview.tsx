// A look at a data set before training: points, images, sequences, rows or texts by kind.
import type { DataPreview as Preview } from "../api/client";
import { BoundaryCanvas } from "./BoundaryCanvas";
import { labelOf } from "./preview/label";
import { PreviewImages } from "./preview/PreviewImages";
import { PreviewSequences } from "./preview/PreviewSequences";
import { PreviewTable } from "./preview/PreviewTable";
import { PreviewTexts } from "./preview/PreviewTexts";
import "./charts.css";

export function DataPreview({ preview }: { preview: Preview }) {
  const label = labelOf(preview);
  const { train, val, test } = preview.samples;
  const task = preview.classes
    ? ` · ${preview.classes} classes`
    : preview.task === "regression"
      ? " · regression"
      : "";
  return (
    <div class="data-preview" data-testid="data-preview" data-kind={preview.kind}>
      <p class="muted small">
        {train} train · {val} val · {test} test · input {preview.input_shape.join("×") || "scalar"}
        {task}
      </p>
      {preview.kind === "2d" && (
        <BoundaryCanvas
          boundary={null}
          points={{
            x_range: preview.x_range,
            y_range: preview.y_range,
            train: preview.train,
            test: preview.test,
          }}
          task={preview.task}
          classNames={preview.class_names}
          size={260}
        />
      )}
      {preview.kind === "image" && <PreviewImages preview={preview} label={label} />}
      {preview.kind === "sequence" && <PreviewSequences preview={preview} label={label} />}
      {preview.kind === "tabular" && <PreviewTable preview={preview} label={label} />}
      {preview.kind === "text" && <PreviewTexts preview={preview} label={label} />}
    </div>
  );
}
