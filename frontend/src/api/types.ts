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
