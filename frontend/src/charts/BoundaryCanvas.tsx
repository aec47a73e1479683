// The input plane of a 2-D data set: the model's decision boundary (a 50x50 grid scaled up
// smoothly) with the train points (filled) and test points (rings) on top.
import { useEffect, useMemo, useRef } from "preact/hooks";
import type { BoundaryMessage, Plane } from "../api/types";
import { formatNumber } from "../state/format";
import {
  boundaryExtent,
  boundaryPixels,
  divergingColor,
  type Extent,
  fromCanvas,
  labelRange,
  toCanvas,
  valueScale,
} from "./boundary";
import { classColor } from "./colors";
import "./charts.css";

export interface BoundaryCanvasProps {
  boundary: BoundaryMessage | null;
  points: Plane | null;
  size?: number; // CSS pixels (square)
  /** Colour points by class, or by value on the diverging map; default: from the grid. */
  task?: "classification" | "regression" | null;
  classNames?: string[] | null;
  /** Draw the test points (rings); default true. */
  showTest?: boolean;
  /** Paint each cell in its most likely class's colour instead of blending by confidence. */
  discretize?: boolean;
  /** A click on the plane, in data units (the canvas is then a button). */
  onPick?: (x: number, y: number) => void;
  /** A point to mark with a cross (the last one picked). */
  mark?: [number, number] | null;
  testId?: string;
  /** The caption under the plane (ranges, classes); off for small multiples. */
  legend?: boolean;
}

export function BoundaryCanvas({
  boundary,
  points,
  size = 300,
  task,
  classNames,
  showTest = true,
  discretize = false,
  onPick,
  mark,
  testId = "boundary",
  legend = true,
}: BoundaryCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const regression = task ? task === "regression" : boundary?.channels === 1;
  // One value scale for the grid and the points, so equal colours mean equal values.
  const scale = useMemo(() => {
    if (!regression) return null;
    const [plo, phi] = points ? labelRange(points) : [NaN, NaN];
    const lo = Math.min(boundary?.lo ?? Infinity, Number.isFinite(plo) ? plo : Infinity);
    const hi = Math.max(boundary?.hi ?? -Infinity, Number.isFinite(phi) ? phi : -Infinity);
    return Number.isFinite(lo) && Number.isFinite(hi) ? valueScale(lo, hi) : valueScale(0, 1);
  }, [regression, boundary, points]);
  const pixels = useMemo(
    () =>
      boundary ? boundaryPixels(boundary, scale ? { scale, discretize } : { discretize }) : null,
    [boundary, scale, discretize],
  );
  const extent: Extent | null = boundary
    ? boundaryExtent(boundary)
    : points
      ? { x: points.x_range, y: points.y_range }
      : null;

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size, size);
    ctx.fillStyle = "#f6f7f9";
    ctx.fillRect(0, 0, size, size);
    if (boundary && pixels) {
      const res = boundary.resolution;
      const img = document.createElement("canvas");
      img.width = res;
      img.height = res;
      img.getContext("2d")?.putImageData(new ImageData(pixels, res, res), 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(img, 0, 0, size, size);
    }
    if (!extent) return;
    drawAxes(ctx, extent, size);
    if (!points) return;
    const r = Math.max(2.5, size / 110);
    const colorOf = (label: number) => {
      if (!scale) return classColor(Math.round(label));
      const [cr, cg, cb] = divergingColor(scale(label));
      return `rgb(${cr | 0}, ${cg | 0}, ${cb | 0})`;
    };
    ctx.lineWidth = 1;
    for (const [x, y, label] of points.train) {
      const [px, py] = toCanvas(extent, size, size, x, y);
      ctx.beginPath();
      ctx.arc(px, py, r, 0, 2 * Math.PI);
      ctx.fillStyle = colorOf(label);
      ctx.fill();
      // White rims on class colours (the playground's look); dark ones on the value map,
      // where a point can sit on exactly its own colour.
      ctx.strokeStyle = scale ? "rgba(29, 35, 48, 0.7)" : "#ffffff";
      ctx.stroke();
    }
    for (const [x, y, label] of showTest ? points.test : []) {
      const [px, py] = toCanvas(extent, size, size, x, y);
      ctx.beginPath();
      ctx.arc(px, py, r, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#1d2330"; // a dark rim keeps the ring visible on its own colour
      ctx.stroke();
      ctx.lineWidth = 1.6;
      ctx.strokeStyle = colorOf(label);
      ctx.stroke();
    }
    if (mark) drawMark(ctx, toCanvas(extent, size, size, mark[0], mark[1]));
  }, [boundary, pixels, points, size, scale, showTest, mark]);

  const pick = (e: MouseEvent) => {
    const canvas = e.currentTarget as HTMLCanvasElement;
    if (!onPick || !extent) return;
    const r = canvas.getBoundingClientRect();
    const [x, y] = fromCanvas(extent, r.width, r.height, e.clientX - r.left, e.clientY - r.top);
    onPick(x, y);
  };

  const dpr = typeof window === "undefined" ? 1 : window.devicePixelRatio || 1;
  const classes =
    !regression && points
      ? [...new Set([...points.train, ...points.test].map((p) => p[2]))].sort((a, b) => a - b)
      : [];
  const name = (k: number) => classNames?.[k] ?? `class ${k}`;
  const label = boundary
    ? `Decision boundary at epoch ${boundary.epoch}, with ${points?.train.length ?? 0} train and ${points?.test.length ?? 0} test points`
    : `${points?.train.length ?? 0} train and ${points?.test.length ?? 0} test points`;
  return (
    <figure class="boundary" style={{ maxWidth: `${size}px` }}>
      <canvas
        ref={ref}
        width={Math.round(size * dpr)}
        height={Math.round(size * dpr)}
        style={{ width: `${size}px` }}
        data-testid={testId}
        onClick={onPick ? pick : undefined}
        class={onPick ? "pickable" : undefined}
        data-epoch={boundary ? boundary.epoch : undefined}
        role="img"
        aria-label={label}
      />
      {legend && (
        <figcaption class="boundary-legend">
          {extent && (
            <span class="muted small">
              x {formatNumber(extent.x[0])} … {formatNumber(extent.x[1])}, y{" "}
              {formatNumber(extent.y[0])} … {formatNumber(extent.y[1])}
            </span>
          )}
          <span class="small">
            <span class="dot filled" aria-hidden="true" /> train{" "}
            {showTest && (
              <>
                <span class="dot ring" aria-hidden="true" /> test
              </>
            )}
          </span>
          {classes.length > 0 && classes.length <= 10 && (
            <span class="small">
              {classes.map((k) => (
                <span key={k} class="swatch-item">
                  <span class="swatch" style={{ background: classColor(k) }} aria-hidden="true" />{" "}
                  {name(k)}
                </span>
              ))}
            </span>
          )}
          {regression && (
            <span class="small">
              <span class="swatch" style={{ background: classColor(0) }} aria-hidden="true" /> low{" "}
              <span class="swatch" style={{ background: classColor(1) }} aria-hidden="true" /> high
            </span>
          )}
        </figcaption>
      )}
    </figure>
  );
}

/** Thin lines along x = 0 and y = 0 when they fall inside the plot. */
function drawAxes(ctx: CanvasRenderingContext2D, extent: Extent, size: number): void {
  ctx.save();
  ctx.strokeStyle = "rgba(29, 35, 48, 0.25)";
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 3]);
  const [x0, y0] = toCanvas(extent, size, size, 0, 0);
  ctx.beginPath();
  if (extent.x[0] < 0 && extent.x[1] > 0) {
    ctx.moveTo(x0, 0);
    ctx.lineTo(x0, size);
  }
  if (extent.y[0] < 0 && extent.y[1] > 0) {
    ctx.moveTo(0, y0);
    ctx.lineTo(size, y0);
  }
  ctx.stroke();
  ctx.restore();
}

/** A dark cross with a white halo at canvas point p: the point the model was asked about. */
function drawMark(ctx: CanvasRenderingContext2D, p: [number, number]): void {
  ctx.save();
  ctx.lineCap = "round";
  for (const [color, width] of [
    ["#ffffff", 5],
    ["#1d2330", 2],
  ] as const) {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(p[0] - 7, p[1] - 7);
    ctx.lineTo(p[0] + 7, p[1] + 7);
    ctx.moveTo(p[0] + 7, p[1] - 7);
    ctx.lineTo(p[0] - 7, p[1] + 7);
    ctx.stroke();
  }
  ctx.restore();
}
