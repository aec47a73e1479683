// Names for the parts of the wire contract the app uses. The shapes are generated from the
// API's OpenAPI document into schema.gen.ts (`make types`; `make test` fails when it is stale):
// change the pydantic models in backend/playground/api, never a shape here.
import type { components } from "./schema.gen";

type Schemas = components["schemas"];

export type Param = Schemas["Param"];
export type Entry = Schemas["CatalogEntry"];
export type ViewEntry = Schemas["ViewEntry"];
export type DatasetEntry = Schemas["DatasetEntry"];
export type Catalog = Schemas["CatalogOut"];
export type LayerRow = Schemas["LayerRow"];
export type Summary = Schemas["SummaryOut"];
export type Me = Schemas["UserOut"];
export type ErrorItem = Schemas["ErrorItem"];
export type RunStatus = Schemas["RunStatus"];
export type Plane = Schemas["Plane"];
export type MetricsOut = Schemas["MetricsOut"];
export type Snapshot = Schemas["SnapshotOut"];
export type InspectOut = Schemas["InspectOut"];
export type View = Schemas["View"];
export type LrFindOut = Schemas["LrFindOut"];
export type SanityCheck = Schemas["SanityCheckOut"];
export type SanityOut = Schemas["SanityOut"];
export type EnsembleIn = Schemas["EnsembleIn"];
export type EnsembleOut = Schemas["EnsembleOut"];
export type EnsembleMethod = EnsembleIn["method"];
export type Upload = Schemas["UploadOut"];

export type StatusMessage = Schemas["StatusMessage"];
export type StartMessage = Schemas["StartMessage"];
export type StepMessage = Schemas["StepMessage"];
export type LayerStat = Schemas["LayerStat"];
export type EpochMessage = Schemas["EpochMessage"];
export type BoundaryMessage = Schemas["BoundaryMessage"];
export type SnapshotMessage = Schemas["SnapshotMessage"];
export type ResultMessage = Schemas["ResultMessage"];
export type StreamMessage = Schemas["StreamMessage"];
/** A message of WS /api/events: one run's status changed, or it was deleted. */
export type RunEvent = Schemas["RunEvent"];

/** How a run ended: the `result` message without its envelope, as stored on the run. */
export type RunResult = Omit<ResultMessage, "type" | "run_id" | "seq">;

/** Plain JSON: what specs are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A run spec as the editor holds it: plain JSON, sent as-is to /api/validate and /api/runs.
 * (The server's RunSpec schema is stricter; the editor holds specs that may not validate yet.) */
export interface SpecJson {
  name?: string;
  description?: string;
  data: JsonObject & { dataset: string };
  model: { layers: JsonObject[] };
  training: JsonObject;
  expect?: JsonObject;
}

/** A stored run. The store keeps spec, summary and result as JSON documents, so the OpenAPI
 * document types them as objects; they hold exactly these shapes. */
export type Run = Omit<Schemas["RunView"], "spec" | "summary" | "result"> & {
  spec: SpecJson;
  summary: Summary | null;
  result: RunResult | null;
};

export interface RunPage {
  items: Run[];
  next_cursor: string | null;
}

// --- Sweeps (POST/GET /api/sweeps, WS /api/sweeps/{id}/stream) ---

/** One trial of a sweep: an ordinary run with the values the sweep gave it. `params`:
 * {"training.optimizer.lr": 0.1}; an ablation trial's: {"ablation": "no Dropout at ..."}.
 * `final`: the last epoch's train_/val_ metrics, and test_ ones once it ended. */
export type Trial = Omit<Schemas["TrialView"], "params"> & { params: Record<string, Json> };
export type TrialFinal = Trial["final"];

/** A sweep in the list (GET /api/sweeps): its trials counted, not listed. */
export type SweepSummary = Schemas["SweepSummary"];
export type SweepKind = SweepSummary["kind"];

/** A sweep with every trial and the best one by `metric`; `base` is the spec every trial
 * started from. */
export type SweepView = Omit<Schemas["SweepView"], "trials" | "base"> & {
  trials: Trial[];
  base: SpecJson | Record<string, never>;
};

/** One proposed ablation; `error` says why it could not run (it was left out). */
export type Proposal = Schemas["ProposalView"];

/** What POST /api/runs/{id}/ablate returns: the proposals, and the sweep running the valid
 * ones (null when none could run, or when only proposing). */
export type AblationOut = Omit<Schemas["AblationView"], "sweep"> & { sweep: SweepView | null };

export type RandomDist = { log_uniform: [number, number] } | { uniform: [number, number] };

/** What POST /api/sweeps takes. The server's schema nests random paths under "paths"; it
 * also reads them flat beside "n", as the contract writes them (and as sent here). */
export interface SweepRequest {
  name: string;
  base: SpecJson;
  grid: Record<string, Json[]>;
  random?: { [path: string]: RandomDist | number; n: number };
  seeds: number;
  /** What "best" means; left out: val_accuracy, or val_loss for regression. */
  metric?: SweepMetric;
}

export type SweepMetric = NonNullable<Schemas["SweepRequest"]["metric"]>;

/** A message of WS /api/sweeps/{id}/stream. */
export type SweepMessage =
  | { type: "sweep"; sweep: SweepView }
  | (Omit<Schemas["TrialMessage"], "message"> & { message: StreamMessage });
