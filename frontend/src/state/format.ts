// Number, shape and time formatting shared by every screen.

/** (8,) style shapes for one sample: [1, 28, 28] -> "1×28×28", [] -> "scalar". */
export function formatShape(shape: number[]): string {
  return shape.length ? shape.join("×") : "scalar";
}

/** 1234 -> "1,234"; 1_500_000 -> "1.5M". */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 1e10 ? 0 : 1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  return n.toLocaleString("en-US");
}

/** Bytes in decimal units, as the server's messages write them: 4.2e9 -> "4.2 GB". */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} bytes`;
}

/** Seconds -> "0:42", "12:05", "1:02:03". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0)
    return "—";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** 0.9731 -> "97.3 %"; null -> "—". */
export function formatPercent(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v)
    ? "—"
    : `${(v * 100).toFixed(digits)} %`;
}

/** About 4 significant digits; exponent form for very large or small magnitudes; "—" for NaN. */
export function formatNumber(v: number | null | undefined): string {
  if (typeof v !== "number" || Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "-∞";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5))
    return Number(v.toPrecision(3)).toExponential().replace("e+", "e");
  return String(Number(v.toPrecision(4)));
}
