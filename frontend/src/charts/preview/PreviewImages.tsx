// Image samples of a data preview, each drawn at its own pixels and scaled up crisply.
import { useEffect, useMemo, useRef } from "preact/hooks";
import type { DataPreview } from "../../api/client";
import { decodeBase64, imagePixels } from "../boundary";
import type { LabelOf } from "./label";

const MAX_IMAGES = 32;

export function PreviewImages({
  preview,
  label,
}: {
  preview: Extract<DataPreview, { kind: "image" }>;
  label: LabelOf;
}) {
  return (
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
  );
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
