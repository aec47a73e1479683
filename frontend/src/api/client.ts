// The REST client: one function per endpoint the app uses; errors become ApiError.
import type {
  AblationOut,
  Catalog,
  EnsembleMethod,
  EnsembleOut,
  ErrorItem,
  InspectOut,
  LrFindOut,
  Me,
  Run,
  RunPage,
  SanityOut,
  Snapshot,
  SpecJson,
  Summary,
  SweepRequest,
  SweepSummary,
  SweepView,
  Upload,
} from "./types";

/** A failed request: HTTP status (0 = server unreachable), a message, and 422 items if any. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly items: ErrorItem[] = [],
  ) {
    super(message);
  }
}

/** What to show for a failed request: an ApiError's message, anything else as a string. */
export function errorMessage(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

/** Turn a FastAPI error body into a message and items ({"detail": str | ErrorItem[]}). */
export function parseErrorBody(status: number, body: unknown): ApiError {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (Array.isArray(detail)) {
    const items = detail as ErrorItem[];
    const message = items.map((e) => (e.path ? `${e.path}: ${e.msg}` : e.msg)).join("; ");
    return new ApiError(status, message || `HTTP ${status}`, items);
  }
  if (typeof detail === "string") return new ApiError(status, detail);
  return new ApiError(status, `HTTP ${status}`);
}

/** One request. Bodies go as JSON with `content-type: application/json`: the server refuses
 * other body types on POST/PUT/PATCH/DELETE (415), and checks their Origin (403 from pages
 * on other sites); bodiless POSTs such as /cancel send neither a body nor a content type. */
async function request<T>(
  method: string,
  url: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      signal,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "The server cannot be reached. Is it running?");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw parseErrorBody(res.status, data);
  return data as T;
}

export interface RunsQuery {
  status?: string;
  name?: string;
  dataset?: string;
  tag?: string;
  sort?: string;
  descending?: boolean;
  limit?: number;
  cursor?: string;
}

/** "?a=1&b=x&b=y": empty values left out, an array repeats its key once per item. */
function query(params: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
    else if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

export type HoldAction = "pause" | "step" | "resume";

export type MetricSeries = Record<string, [number, number, number][]>; // "val/loss": [[step, epoch, value]]

/** POST /api/uploads as multipart (one `file` part per file), reporting the share sent
 * (0..1) as it goes: fetch cannot report upload progress, XMLHttpRequest can. The browser
 * sets the multipart content type and the Origin header the server checks. */
function sendUpload(
  files: File[],
  onProgress: (sent: number) => void,
  name?: string,
): Promise<Upload> {
  const form = new FormData();
  for (const f of files) form.append("file", f, f.name);
  if (name) form.append("name", name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/uploads");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, "The server cannot be reached. Is it running?"));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status === 201) resolve(body as Upload);
      else reject(parseErrorBody(xhr.status, body));
    };
    xhr.send(form);
  });
}

export const api = {
  /** Who is logged in (`auth: "off"`: the server has no accounts); 401 when nobody. */
  me: () => request<Me>("GET", "/api/auth/me"),
  /** Check a name and password; the server sets the session cookie. 401 wrong, 429 too many. */
  login: (name: string, password: string) =>
    request<{ user: Me }>("POST", "/api/auth/login", { name, password }),
  logout: () => request<void>("POST", "/api/auth/logout"),
  catalog: () => request<Catalog>("GET", "/api/catalog"),
  validate: (spec: SpecJson, signal?: AbortSignal) =>
    request<Summary>("POST", "/api/validate", spec, signal),
  createRun: (spec: SpecJson) => request<Run>("POST", "/api/runs", spec),
  listRuns: (q: RunsQuery) => request<RunPage>("GET", `/api/runs${query(q)}`),
  getRun: (id: number) => request<Run>("GET", `/api/runs/${id}`),
  patchRun: (
    id: number,
    patch: { name?: string; tags?: string[]; notes?: string; shared?: boolean },
  ) => request<Run>("PATCH", `/api/runs/${id}`, patch),
  deleteRun: (id: number) => request<void>("DELETE", `/api/runs/${id}`),
  cancelRun: (id: number) => request<Run>("POST", `/api/runs/${id}/cancel`),
  /** Pause before the next step, train one more epoch then pause, or go on. */
  holdRun: (id: number, action: HoldAction) => request<Run>("POST", `/api/runs/${id}/${action}`),
  rerun: (id: number, seed?: number) =>
    request<Run>("POST", `/api/runs/${id}/rerun`, seed === undefined ? undefined : { seed }),
  /** `names` keeps only those metrics ("loss" gives train/loss, val/loss, step/loss, ...);
   * left out (or empty: a query cannot say "none"), every series comes back. */
  metrics: (id: number, maxPoints?: number, names?: string[]) =>
    request<{ run_id: number; series: MetricSeries }>(
      "GET",
      `/api/runs/${id}/metrics${query({ max_points: maxPoints, names })}`,
    ),
  /** The epochs whose weights were saved: what inspect views can show. */
  snapshots: (id: number, signal?: AbortSignal) =>
    request<Snapshot[]>("GET", `/api/runs/${id}/snapshots`, undefined, signal),
  /** One view inside the network: `body` is {view, epoch, ...the view's fields}. */
  inspect: (id: number, body: { view: string } & Record<string, unknown>, signal?: AbortSignal) =>
    request<InspectOut>("POST", `/api/runs/${id}/inspect`, body, signal),
  /** Loss against an exponentially growing learning rate on a fresh copy of the model. */
  lrFind: (spec: SpecJson, signal?: AbortSignal) =>
    request<LrFindOut>("POST", "/api/lr-find", { spec }, signal),
  /** Initial loss against ln C, and whether the network can overfit 20 samples. */
  sanity: (spec: SpecJson, signal?: AbortSignal) =>
    request<SanityOut>("POST", "/api/sanity", { spec }, signal),
  /** Score runs of the same data together: each member's test metrics and the ensemble's. */
  ensemble: (runs: number[], method: EnsembleMethod) =>
    request<EnsembleOut>("POST", "/api/ensembles", { runs, method, epoch: "last" }),
  listUploads: () => request<Upload[]>("GET", "/api/uploads"),
  deleteUpload: (id: number) => request<void>("DELETE", `/api/uploads/${id}`),
  upload: sendUpload,
  preview: (data: SpecJson["data"], signal?: AbortSignal) =>
    request<DataPreview>("POST", "/api/datasets/preview", { data }, signal),
  createSweep: (body: SweepRequest) => request<SweepView>("POST", "/api/sweeps", body),
  listSweeps: () => request<SweepSummary[]>("GET", "/api/sweeps"),
  getSweep: (id: number) => request<SweepView>("GET", `/api/sweeps/${id}`),
  cancelSweep: (id: number) => request<SweepView>("POST", `/api/sweeps/${id}/cancel`),
  deleteSweep: (id: number) => request<void>("DELETE", `/api/sweeps/${id}`),
  /** One trial per removable or switchable part of the run, run as a sweep. */
  ablate: (runId: number) => request<AblationOut>("POST", `/api/runs/${runId}/ablate`, {}),
};

/** ws:// or wss:// URL for a path on this server. */
export function wsUrl(path: string): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${path}`;
}

/** What POST /api/datasets/preview returns; `kind` picks the drawing. */
export type DataPreview =
  | (PreviewBase & {
      kind: "2d";
      x_range: [number, number];
      y_range: [number, number];
      train: [number, number, number][];
      test: [number, number, number][];
    })
  | (PreviewBase & {
      kind: "image";
      shape: number[]; // (C, H, W)
      images: { label: number; data: string }[]; // base64 uint8, C*H*W row-major
    })
  | (PreviewBase & {
      kind: "sequence";
      series: { values: number[]; target: number | number[] }[]; // first input feature per step
    })
  | (PreviewBase & { kind: "tabular"; columns: string[]; rows: (number | string)[][] })
  | (PreviewBase & { kind: "text"; texts: { text: string; label: number | string }[] });

export interface PreviewBase {
  task: "classification" | "regression";
  input_shape: number[];
  classes: number | null;
  class_names?: string[] | null;
  samples: { train: number; val: number; test: number };
}
