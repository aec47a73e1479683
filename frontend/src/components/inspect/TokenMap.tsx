// A square heat map over a sequence with its tokens along both edges (attention), or time
// down and units across (hidden states).
import { HeatCanvas } from "../../charts/HeatCanvas";
import type { ColorMap, Plane2d } from "../../state/inspectGrid";

export interface TokenMapProps {
  plane: Plane2d;
  tokens: string[] | null;
  caption: string;
  lo?: number;
  hi?: number;
  map?: ColorMap;
  cell?: number; // px per value
  testId?: string;
}

const shown = (t: string) => (t === " " ? "␣" : t === "\n" ? "↵" : t);

export function TokenMap({
  plane,
  tokens,
  caption,
  lo,
  hi,
  map = "heat",
  cell = 12,
  testId,
}: TokenMapProps) {
  const width = plane.w * cell;
  const height = plane.h * cell;
  const cols = tokens && tokens.length === plane.w;
  const rows = tokens && tokens.length === plane.h;
  return (
    <figure class="tile token-map">
      <div class="token-grid" style={{ gridTemplateColumns: `${rows ? 14 : 0}px ${width}px` }}>
        <span />
        {cols ? (
          <div class="token-row" style={{ width: `${width}px` }}>
            {tokens.map((t, i) => (
              <span key={i} style={{ width: `${cell}px` }}>
                {shown(t)}
              </span>
            ))}
          </div>
        ) : (
          <span />
        )}
        {rows ? (
          <div class="token-col">
            {tokens.map((t, i) => (
              <span key={i} style={{ height: `${cell}px` }}>
                {shown(t)}
              </span>
            ))}
          </div>
        ) : (
          <span />
        )}
        <HeatCanvas
          plane={plane}
          map={map}
          lo={lo}
          hi={hi}
          width={width}
          height={height}
          pixelated
          label={caption}
          attrs={testId ? { "data-testid": testId } : undefined}
        />
      </div>
      <figcaption class="small muted">{caption}</figcaption>
    </figure>
  );
}
