// A small image or map with a caption under it.
import { HeatCanvas } from "../../charts/HeatCanvas";
import type { ColorMap, Plane2d } from "../../state/inspectGrid";

export interface ImageTileProps {
  plane: Plane2d;
  map: ColorMap;
  caption: string;
  size?: number; // CSS px of the longer side
  lo?: number;
  hi?: number;
  testId?: string;
}

export function ImageTile({ plane, map, caption, size = 48, lo, hi, testId }: ImageTileProps) {
  const wide = plane.w >= plane.h;
  const width = wide ? size : (size * plane.w) / Math.max(1, plane.h);
  return (
    <figure class="tile">
      <HeatCanvas
        plane={plane}
        map={map}
        lo={lo}
        hi={hi}
        width={width}
        pixelated
        label={caption}
        attrs={testId ? { "data-testid": testId } : undefined}
      />
      <figcaption class="small muted">{caption}</figcaption>
    </figure>
  );
}
