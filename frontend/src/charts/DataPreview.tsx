// A look at a data set before training: points, images, sequences, rows or texts by kind.
import { useEffect, useMemo, useRef } from "preact/hooks";
import type { DataPreview as Preview } from "../api/client";
import { formatNumber } from "../state/format";
import { BoundaryCanvas } from "./BoundaryCanvas";
import { decodeBase64, imagePixels } from "./boundary";
import { seriesColor } from "./colors";
import { LineChart } from "./LineChart";
import "./charts.css";

const MAX_IMAGES = 32;
const MAX_SEQUENCES = 8;
const MAX_ROWS = 20;

export function DataPreview({ preview }: { preview: Preview }) {
  const label = (v: number | string) =>
    typeof v === "number" && preview.task === "classification"
      ? (preview.class_names?.[v] ?? String(v))
      : String(v);
  const { train, val, test } = preview.samples;
  return (
    <div class="data-preview" data-testid="data-preview" data-kind={preview.kind}>
      <p class="muted small">
        {train} train · {val} val · {test} test · input {preview.input_shape.join("×") || "scalar"}
        {preview.classes
          ? ` · ${preview.classes} classes`
          : preview.task === "regression"
            ? " · regression"
            : ""}
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
      {preview.kind === "image" && (
        <ul class="preview-images">
          {preview.images.slice(0, MAX_IMAGES).map((im, i) => (
            <li key={i}>
              <PreviewImage
                data={im.data}
                shape={preview.shape}
                alt={`sample ${i + 1}: ${label(im.label)}`}
              />
              <span class="small">{label(im.label)}</span>
            </li>
          ))}
        </ul>
      )}
      {preview.kind === "sequence" && <Sequences preview={preview} label={label} />}
      {preview.kind === "tabular" && (
        <div class="preview-table">
          <table>
            <caption class="muted small">
              First {Math.min(MAX_ROWS, preview.rows.length)} training rows (the last column is the
              target)
            </caption>
            <thead>
              <tr>
                {preview.columns.map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.slice(0, MAX_ROWS).map((row, i) => (
                <tr key={i}>
                  {row.map((v, j) => (
                    <td key={j} class={typeof v === "number" ? "num" : undefined}>
                      {j === row.length - 1
                        ? label(v)
                        : typeof v === "number"
                          ? formatNumber(v)
                          : v}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {preview.kind === "text" && (
        <ul class="preview-texts">
          {textSamples(preview).map((s, i) => (
            <li key={i}>
              <code>{visible(s.text)}</code> →{" "}
              <span class="preview-label">{visible(label(s.label)).replace(/^ $/, "␣")}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type TextSample = { text: string; label: number | string };

function textSamples(preview: Extract<Preview, { kind: "text" }>): TextSample[] {
  return preview.texts.slice(0, MAX_ROWS);
}

/** Whitespace made visible, so "the end\n" and "the end " read differently. */
function visible(text: string): string {
  return text.replace(/\n/g, "⏎").replace(/\t/g, "⇥");
}

function PreviewImage({ data, shape, alt }: { data: string; shape: number[]; alt: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const img = useMemo(() => imagePixels(decodeBase64(data), shape), [data, shape]);
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    ctx?.putImageData(new ImageData(img.rgba, img.width, img.height), 0, 0);
  }, [img]);
  const scale = Math.max(1, Math.round(56 / Math.max(img.width, img.height)));
  return (
    <canvas
      ref={ref}
      width={img.width}
      height={img.height}
      style={{ width: `${img.width * scale}px`, height: `${img.height * scale}px` }}
      class="pixelated"
      role="img"
      aria-label={alt}
    />
  );
}

function Sequences({
  preview,
  label,
}: {
  preview: Extract<Preview, { kind: "sequence" }>;
  label: (v: number | string) => string;
}) {
  const shown = preview.series.slice(0, MAX_SEQUENCES);
  const x = useMemo(() => {
    const n = Math.max(0, ...shown.map((s) => s.values.length));
    return Array.from({ length: n }, (_, i) => i);
  }, [preview]);
  const target = (t: number | number[]) => (Array.isArray(t) ? "per step" : label(t));
  return (
    <LineChart
      title="Sequences"
      xLabel="step"
      x={x}
      height={180}
      series={shown.map((s, i) => ({
        label: `#${i + 1} → ${target(s.target)}`,
        values: s.values,
        color: seriesColor(i),
        width: 1.5,
      }))}
    />
  );
}
