// Shapes of what the server sends: the catalog, validation summaries, runs and stream messages.
// They mirror backend/playground (registry.catalog, validate.Summary, api/schemas, services/messages).

/** One field of a spec class, as JSON Schema plus name/required (registry._params). */
export interface Param {
  name: string;
  required: boolean;
  description?: string;
  default?: unknown;
  type?: "integer" | "number" | "boolean" | "string" | "array" | "null";
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: (string | number)[];
  pattern?: string;
  items?: Record<string, unknown>;
  prefixItems?: Record<string, unknown>[];
  minItems?: number;
  maxItems?: number;
  anyOf?: Record<string, unknown>[];
  $ref?: string;
}

/** A layer, activation, loss, optimizer, schedule or init the engine knows. */
export interface Entry {
  type: string;
  description: string;
  category: string | null;
  params: Param[];
}

export interface DatasetEntry {
  id: string;
  title: string;
  description: string;
  task: "classification" | "regression" | "auto";
  kind: "2d" | "tabular" | "image" | "sequence" | "text" | "file";
  params: Param[];
}

export interface Catalog {
  layers: Entry[];
  activations: Entry[];
  losses: Entry[];
  optimizers: Entry[];
  schedulers: Entry[];
  inits: Entry[];
  datasets: DatasetEntry[];
  /** Fields of TrainingSpec, and of the small objects specs nest (SplitSpec, GradClip, ...). */
  training?: Param[];
  objects?: Record<string, Param[]>;
}

/** Plain JSON: what specs are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A run spec as the editor holds it: plain JSON, sent as-is to /api/validate and /api/runs. */
export interface SpecJson {
  name?: string;
  description?: string;
  data: JsonObject & { dataset: string };
  model: { layers: JsonObject[] };
  training: JsonObject;
}

export interface LayerRow {
  path: string; // "model.layers[2]" or "model.layers[2].layers[0]" inside a Residual
  type: string;
  label: string;
  depth: number;
  input_shape: number[];
  output_shape: number[];
  params: number;
  flops: number;
}

export interface Summary {
  input_shape: number[];
  output_shape: number[];
  task: "classification" | "regression";
  classes: number | null;
  outputs: number | null;
  samples: { train: number; val: number; test: number };
  params: number;
  flops: number;
  steps_per_epoch: number;
  layers: LayerRow[];
}

/** One item of a 422 `detail` list. */
export interface ErrorItem {
  loc: (string | number)[];
  path: string;
  msg: string;
  type: string;
}

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "diverged";
export const FINAL_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "cancelled", "diverged"];

export interface RunResult {
  status: RunStatus;
  epochs: number;
  steps: number;
  seconds: number;
  error: string | null;
  best_epoch: number | null;
  stopped_early: boolean;
  test: Record<string, number>;
  confusion?: number[][] | null;
  per_class_accuracy?: number[] | null;
}

export interface Run {
  id: number;
  name: string;
  status: RunStatus;
  dataset: string;
  spec: SpecJson;
  seed: number;
  device: string | null;
  tags: string[];
  notes: string;
  summary: Summary | null;
  result: RunResult | null;
  error: string | null;
  versions: Record<string, string> | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  epochs_done: number;
  best_val_accuracy: number | null;
  test_accuracy: number | null;
  last_seq: number;
  queue_position: number | null;
}

export interface RunPage {
  items: Run[];
  next_cursor: string | null;
}

/** Points as [x, y, label] in raw input units (label: class index or regression target). */
export interface Plane {
  x_range: [number, number];
  y_range: [number, number];
  train: [number, number, number][];
  test: [number, number, number][];
}

interface MessageBase {
  run_id: number;
  seq: number;
}

export interface StatusMessage extends MessageBase {
  type: "status";
  status: RunStatus;
  error: string | null;
}

export interface StartMessage extends MessageBase {
  type: "start";
  summary: Summary;
  seed: number;
  device: string;
  versions: Record<string, string>;
  log_every: number;
  total_steps: number;
  plane: Plane | null;
}

export interface StepMessage extends MessageBase {
  type: "step";
  step: number;
  epoch: number;
  loss: number;
}

export interface LayerStat {
  index: number; // position in model.layers
  grad_norm: number | null;
  weight_norm: number | null;
  update_ratio: number | null;
}

export interface EpochMessage extends MessageBase {
  type: "epoch";
  epoch: number;
  step: number;
  seconds: number | null; // since training started; null in a replay that stored no time
  metrics: Record<string, number>; // train_loss, val_loss, train_accuracy, val_accuracy, lr, ...
  layers: LayerStat[];
}

export interface BoundaryMessage extends MessageBase {
  type: "boundary";
  epoch: number;
  x_range: [number, number];
  y_range: [number, number];
  resolution: number;
  channels: number; // class probabilities, or 1 for regression
  lo: number;
  hi: number;
  data: string; // base64 of resolution*resolution*channels bytes, row-major (y, x, k)
}

export interface ResultMessage extends MessageBase, RunResult {
  type: "result";
  summary?: Summary;
}

export type StreamMessage =
  | StatusMessage
  | StartMessage
  | StepMessage
  | EpochMessage
  | BoundaryMessage
  | ResultMessage;

/** A message of WS /api/events: one run's status changed, or it was deleted. */
export interface RunEvent {
  type: string;
  run_id: number;
  status?: RunStatus;
  error?: string | null;
  [key: string]: unknown;
}
