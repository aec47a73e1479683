// The sweep builder as data: each chosen field's values (a comma list, a range spaced on a
// log or linear scale, or random draws between two ends), the number of trials they make,
// the POST /api/sweeps body, and the server's 422 items put back on the field (or trial)
// they name.
import type {
  ErrorItem,
  Json,
  RandomDist,
  SpecJson,
  SweepMetric,
  SweepRequest,
} from "../api/types";
import type { SweepField } from "./sweepFields";

/** list: the values given; range: n points spaced evenly; random: drawn between lo and hi
 * by the server, once per random sample (every random field draws in each sample). */
export type AxisMode = "list" | "range" | "random";
export type RangeScale = "log" | "linear";

/** One swept field as the builder's inputs hold it (text, as typed). */
export interface SweepAxis {
  path: string;
  mode: AxisMode;
  text: string; // "0.01, 0.1, 1"
  lo: string;
  hi: string;
  n: string;
  scale: RangeScale;
}

export type Values = { ok: true; values: Json[] } | { ok: false; error: string };

/** The final metrics a sweep can rank its trials by (the server's choice when none is). */
export const SWEEP_METRICS: SweepMetric[] = [
  "val_accuracy",
  "val_loss",
  "train_loss",
  "train_accuracy",
  "test_accuracy",
];

/** The largest number of seeds or range points the builder offers (the server has its own
 * limit on trials per sweep). */
export const MAX_POINTS = 64;

/** A new axis for a field, starting from its current value. */
export function newAxis(field: SweepField): SweepAxis {
  const cur = field.current;
  const text = cur === undefined || cur === null ? "" : String(cur);
  const isNum = field.kind === "number" && typeof cur === "number";
  const log = field.kind === "number" && field.log;
  // A log range a decade either side of the current value is the usual first look.
  const lo = isNum ? (log ? cur / 10 : cur / 2) : 0;
  const hi = isNum ? (log ? cur * 10 : cur * 2) : 1;
  return {
    path: field.path,
    mode: "list",
    text,
    lo: isNum ? String(round4(lo)) : "",
    hi: isNum ? String(round4(hi)) : "",
    n: "3",
    scale: log ? "log" : "linear",
  };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** 4 significant digits: 0.1 * 3 gives 0.3, not 0.30000000000000004. */
export function round4(v: number): number {
  return Number(v.toPrecision(4));
}

function parseNumber(text: string): number | null {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : null;
}

function checkNumber(v: number, field: Extract<SweepField, { kind: "number" }>): string | null {
  if (field.integer && !Number.isInteger(v)) return `${v} is not a whole number`;
  if (field.min !== undefined && v < field.min)
    return `${v} is below the smallest allowed, ${field.min}`;
  if (field.max !== undefined && v > field.max)
    return `${v} is above the largest allowed, ${field.max}`;
  return null;
}

/** "0.01, 0.1" -> [0.01, 0.1]; names for a choice; repeats dropped, order kept. */
export function parseList(text: string, field: SweepField): Values {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return { ok: false, error: "give at least one value" };
  const values: Json[] = [];
  for (const part of parts) {
    if (field.kind === "choice") {
      const match = field.options.find((o) => o.toLowerCase() === part.toLowerCase());
      if (!match)
        return { ok: false, error: `"${part}" is not one of ${field.options.join(", ")}` };
      values.push(match);
      continue;
    }
    const v = parseNumber(part);
    if (v === null) return { ok: false, error: `"${part}" is not a number` };
    const bad = checkNumber(v, field);
    if (bad) return { ok: false, error: bad };
    values.push(v);
  }
  return { ok: true, values: [...new Set(values)] };
}

/** n points from lo to hi, both ends included, evenly spaced on the scale (log: evenly in
 * powers of ten, so 0.001..0.1 with 3 points gives 0.001, 0.01, 0.1). */
export function rangePoints(lo: number, hi: number, n: number, scale: RangeScale): number[] {
  if (n === 1) return [lo];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1);
    const v =
      scale === "log"
        ? 10 ** (Math.log10(lo) + t * (Math.log10(hi) - Math.log10(lo)))
        : lo + t * (hi - lo);
    out.push(round4(v));
  }
  return out;
}

/** A range's values, checked: numbers only, positive ends for a log scale, whole numbers
 * rounded (and repeats dropped) for an integer field. */
export function parseRange(axis: SweepAxis, field: SweepField): Values {
  if (field.kind !== "number") return { ok: false, error: "a range needs a number field" };
  const lo = parseNumber(axis.lo);
  const hi = parseNumber(axis.hi);
  const n = parseNumber(axis.n);
  if (lo === null || hi === null) return { ok: false, error: "give both ends of the range" };
  if (n === null || !Number.isInteger(n) || n < 1 || n > MAX_POINTS)
    return {
      ok: false,
      error: `the number of points must be a whole number from 1 to ${MAX_POINTS}`,
    };
  if (hi < lo) return { ok: false, error: "the range's end is below its start" };
  if (axis.scale === "log" && lo <= 0)
    return { ok: false, error: "a log range needs a start above 0" };
  let values = rangePoints(lo, hi, n, axis.scale);
  if (field.integer) values = [...new Set(values.map(Math.round))];
  for (const v of values) {
    const bad = checkNumber(v, field);
    if (bad) return { ok: false, error: bad };
  }
  return { ok: true, values };
}

export function axisValues(axis: SweepAxis, field: SweepField): Values {
  return axis.mode === "range" ? parseRange(axis, field) : parseList(axis.text, field);
}

/** Whether a field can be drawn at random: numbers that need not be whole (a draw is any
 * number between the ends). */
export function canDraw(field: SweepField): boolean {
  return field.kind === "number" && !field.integer;
}

export type Dist = { ok: true; dist: RandomDist } | { ok: false; error: string };

/** A random axis's distribution: log-uniform (learning rates) or uniform between its ends. */
export function parseDist(axis: SweepAxis, field: SweepField): Dist {
  if (field.kind !== "number" || field.integer)
    return { ok: false, error: "random draws need a field that takes any number" };
  const lo = parseNumber(axis.lo);
  const hi = parseNumber(axis.hi);
  if (lo === null || hi === null) return { ok: false, error: "give both ends of the range" };
  if (hi < lo) return { ok: false, error: "the range's end is below its start" };
  if (axis.scale === "log" && lo <= 0)
    return { ok: false, error: "a log range needs a start above 0" };
  for (const v of [lo, hi]) {
    const bad = checkNumber(v, field);
    if (bad) return { ok: false, error: bad };
  }
  return {
    ok: true,
    dist: axis.scale === "log" ? { log_uniform: [lo, hi] } : { uniform: [lo, hi] },
  };
}

/** Seeds as typed: a whole number from 1 to MAX_POINTS, else null. */
export function parseSeeds(text: string): number | null {
  const n = parseNumber(text);
  return n !== null && Number.isInteger(n) && n >= 1 && n <= MAX_POINTS ? n : null;
}

/** Every combination of the values, times the seeds. */
export function trialCount(counts: number[], seeds: number): number {
  return counts.reduce((a, b) => a * b, 1) * seeds;
}

export interface Built {
  /** The body to POST, or null while a field is wrong. */
  request: SweepRequest | null;
  /** The trials it makes (0 while a field is wrong). */
  trials: number;
  /** path -> what is wrong with its values ("seeds" for the seed count). */
  errors: Record<string, string>;
}

/** The sweep the builder describes. */
export function buildSweep(
  name: string,
  spec: SpecJson,
  axes: SweepAxis[],
  fields: SweepField[],
  seedsText: string,
  samplesText = "8",
  metric: SweepMetric | "" = "",
): Built {
  const errors: Record<string, string> = {};
  const grid: Record<string, Json[]> = {};
  const random: Record<string, RandomDist> = {};
  for (const axis of axes) {
    const field = fields.find((f) => f.path === axis.path);
    if (!field) {
      errors[axis.path] = "this field is no longer in the spec";
      continue;
    }
    if (axis.mode === "random") {
      const d = parseDist(axis, field);
      if (d.ok) random[axis.path] = d.dist;
      else errors[axis.path] = d.error;
      continue;
    }
    const v = axisValues(axis, field);
    if (v.ok) grid[axis.path] = v.values;
    else errors[axis.path] = v.error;
  }
  const seeds = parseSeeds(seedsText);
  if (seeds === null) errors.seeds = `seeds must be a whole number from 1 to ${MAX_POINTS}`;
  const drawing = Object.keys(random).length > 0 || axes.some((a) => a.mode === "random");
  const samples = drawing ? parseSeeds(samplesText) : 1;
  if (samples === null) errors.samples = `samples must be a whole number from 1 to ${MAX_POINTS}`;
  if (Object.keys(errors).length || seeds === null || samples === null)
    return { request: null, trials: 0, errors };
  const trials = trialCount(
    Object.values(grid).map((v) => v.length),
    seeds * samples,
  );
  const label = name.trim() || spec.name?.trim() || "sweep";
  const request: SweepRequest = { name: label, base: spec, grid, seeds };
  if (drawing) request.random = { ...random, n: samples };
  if (metric) request.metric = metric;
  return { request, trials, errors };
}

export interface SweepErrors {
  /** Messages on a swept field, by its path. */
  byPath: Record<string, string[]>;
  /** Messages that name no swept field (the base spec, a trial's other fields, limits). */
  general: string[];
}

/** The JSON path of a 422 loc after its "body" prefix: ["trials", 3, "training", "lr"] ->
 * "trials[3].training.lr". */
function locPath(loc: (string | number)[]): string {
  const parts = loc[0] === "body" ? loc.slice(1) : loc;
  let out = "";
  for (const p of parts) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/** Put each 422 item on the swept field it names: under grid/random by its key, or inside a
 * trial ("trial 3: ..."); the rest is general. */
export function sweepErrors(items: ErrorItem[], paths: string[]): SweepErrors {
  const out: SweepErrors = { byPath: {}, general: [] };
  for (const item of items) {
    const loc = item.loc ?? [];
    const where = item.path || locPath(loc);
    const trial = where.match(/^trials\[(\d+)\]\.?(.*)$/);
    const rest = trial ? trial[2] : where;
    const msg = trial ? `trial ${trial[1]}: ${item.msg}` : item.msg;
    // Longest first, so "model.layers[1].p" does not claim "model.layers[10].p"'s error.
    const path = [...paths]
      .sort((a, b) => b.length - a.length)
      .find(
        (p) =>
          loc.includes(p) || rest === p || rest.startsWith(`${p}.`) || rest.startsWith(`${p}[`),
      );
    const key =
      path ??
      (where === "seeds" || loc.includes("seeds")
        ? "seeds"
        : where === "random.n" || (loc.includes("random") && loc.includes("n"))
          ? "samples"
          : null);
    if (key !== null) out.byPath[key] = [...(out.byPath[key] ?? []), msg];
    else if (trial) out.general.push(`trial ${trial[1]}${rest ? `, ${rest}` : ""}: ${item.msg}`);
    else out.general.push(where ? `${where}: ${msg}` : msg);
  }
  return out;
}
