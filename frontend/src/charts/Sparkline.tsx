// A trial's loss curves in a few pixels: train (solid) and validation (dashed), per epoch,
// on one scale.
import { sparkPoints, sparkScale } from "./sparkline";

export function Sparkline({
  train,
  val,
  width = 140,
  height = 36,
}: {
  train: ArrayLike<number>;
  val?: ArrayLike<number>;
  width?: number;
  height?: number;
}) {
  const scale = sparkScale(val ? [train, val] : [train]);
  const pad = 2; // keeps the line's stroke inside the box
  return (
    <svg
      class="sparkline"
      width={width}
      height={height}
      viewBox={`${-pad} ${-pad} ${width + 2 * pad} ${height + 2 * pad}`}
      role="img"
      aria-label={`loss over ${train.length} epoch reports`}
      data-testid="trial-sparkline"
      data-points={train.length}
    >
      <polyline points={sparkPoints(train, width, height, scale)} class="spark-train" />
      {val && <polyline points={sparkPoints(val, width, height, scale)} class="spark-val" />}
    </svg>
  );
}
