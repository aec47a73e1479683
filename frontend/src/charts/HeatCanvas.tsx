// One 2-D plane of values as a picture: a unit's output over the input plane, a filter, a
// feature map, an image, an attention or saliency map. The pixels come from state/inspectGrid.
import { useEffect, useMemo, useRef } from "preact/hooks";
import { type PixelOptions, type Plane2d, planePixels } from "../state/inspectGrid";

export interface HeatCanvasProps extends PixelOptions {
  plane: Plane2d;
  /** CSS width, px; the height follows the plane's aspect unless given. */
  width: number;
  height?: number;
  /** Sharp square pixels (small images), or smooth (maps over the plane). */
  pixelated?: boolean;
  label: string;
  class?: string;
  /** Extra attributes (data-unit, data-testid). */
  attrs?: Record<string, string | number>;
}

export function HeatCanvas(props: HeatCanvasProps) {
  const { plane, width, map, lo, hi, flipY } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const pixels = useMemo(
    () => planePixels(plane, { map, lo, hi, flipY }),
    [plane, map, lo, hi, flipY],
  );
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx || !plane.w || !plane.h) return;
    ctx.putImageData(new ImageData(pixels, plane.w, plane.h), 0, 0);
  }, [pixels, plane]);
  const height = props.height ?? (plane.w ? (width * plane.h) / plane.w : width);
  return (
    <canvas
      ref={ref}
      width={plane.w || 1}
      height={plane.h || 1}
      class={`heat${props.pixelated ? " pixelated" : ""}${props.class ? ` ${props.class}` : ""}`}
      style={{ width: `${width}px`, height: `${height}px` }}
      role="img"
      aria-label={props.label}
      {...props.attrs}
    />
  );
}
