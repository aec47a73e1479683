// Colours of the charts: classes (the playground's orange vs blue, then a palette), runs
// overlaid in Compare (each at least 3:1 against white, WCAG's bar for graphics), and the
// fixed roles of one run's curves.

export type Rgb = [number, number, number]; // 0..255 each

/** Class k's colour: 0 orange, 1 blue (tensorflow/playground), then Tableau-like hues. */
export const CLASS_COLORS: readonly string[] = [
  "#f59322",
  "#0877bd",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#7f7f7f",
  "#bcbd22",
];

/** Line colours for up to 10 runs side by side; they repeat after that. */
export const SERIES_COLORS: readonly string[] = [
  "#1f77b4",
  "#d55e00",
  "#2b8a3e",
  "#7b3fa0",
  "#c2185b",
  "#8c564b",
  "#00838f",
  "#9a6700",
  "#5f6368",
  "#283593",
];

/** Roles within one run's charts. */
export const ROLE_COLORS = {
  train: "#1f77b4",
  val: "#d55e00",
  step: "#5f6368",
  lr: "#2b8a3e",
} as const;

export function classColor(k: number): string {
  return CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
}

export function seriesColor(i: number): string {
  return SERIES_COLORS[((i % SERIES_COLORS.length) + SERIES_COLORS.length) % SERIES_COLORS.length];
}

/** "#rrggbb" -> [r, g, b]. */
export function hexToRgb(hex: string): Rgb {
  const h = hex.replace(/^#/, "");
  const n = parseInt(h.length === 3 ? h.replace(/./g, "$&$&") : h, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A hex colour with an alpha, as a CSS rgba() string. */
export function withAlpha(hex: string, alpha: number): string {
  const [r, g, b] = hexToRgb(hex);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** WCAG contrast ratio of two hex colours (1..21). */
export function contrastRatio(a: string, b = "#ffffff"): number {
  const lum = (hex: string) => {
    const [r, g, bl] = hexToRgb(hex).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
