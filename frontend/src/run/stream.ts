// A run's live stream: WS /api/runs/{id}/stream?from_seq=N into a RunHistory, reconnecting
// by itself (with backoff) until the run's final status arrives.

import { wsUrl } from "../api/client";
import type { StreamMessage } from "../api/types";
import { RunHistory } from "./history";

export type StreamState = "connecting" | "live" | "reconnecting" | "done" | "closed";

/** The part of the browser's WebSocket this module uses (a fake one in tests). */
export interface SocketLike {
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  close(code?: number, reason?: string): void;
}

export type SocketConstructor = new (url: string) => SocketLike;

export interface RunStreamOptions {
  /** The history to feed (default: a new one); it may hold messages from an earlier stream. */
  history?: RunHistory;
  /** Ask for messages after this seq first (default: history.resumeSeq()). */
  fromSeq?: number;
  /** After each frame that changed the history. */
  onUpdate?: (history: RunHistory, stream: RunStream) => void;
  /** After each change of `state`. */
  onState?: (state: StreamState, stream: RunStream) => void;
  WebSocket?: SocketConstructor;
  /** path -> ws:// URL (default: wsUrl, this page's host). */
  url?: (path: string) => string;
  /** Waits before reconnect attempts 1, 2, 3, ... (the last one repeats); milliseconds. */
  backoffMs?: readonly number[];
}

export const BACKOFF_MS: readonly number[] = [500, 1000, 2000, 4000, 5000];
const TOO_SLOW = 1013; // the server dropped a lagging viewer: reconnect at once
const NOT_FOUND = 4404;

export class RunStream {
  readonly history: RunHistory;
  state: StreamState = "connecting";
  /** Why the stream stopped for good ("run 3 not found"), if it did other than by finishing. */
  error: string | null = null;
  /** Reconnect attempts since the last frame that brought something new. */
  attempts = 0;
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly opts: RunStreamOptions;
  private readonly Socket: SocketConstructor;

  constructor(
    readonly runId: number,
    opts: RunStreamOptions = {},
  ) {
    this.opts = opts;
    this.history = opts.history ?? new RunHistory();
    this.Socket = opts.WebSocket ?? (WebSocket as unknown as SocketConstructor);
    if (this.history.final) {
      // A stream from the last seq of a finished run would never close; nothing can come.
      this.setState("done");
      return;
    }
    this.connect(opts.fromSeq ?? this.history.resumeSeq());
  }

  /** The highest seq received. */
  get lastSeq(): number {
    return this.history.lastSeq;
  }

  /** Stop for good (leaving the page); a finished stream stays "done". */
  close(): void {
    this.clearTimer();
    this.drop();
    if (this.state !== "done") this.setState("closed");
  }

  private connect(fromSeq: number): void {
    const path = `/api/runs/${this.runId}/stream?from_seq=${fromSeq}`;
    const ws = new this.Socket((this.opts.url ?? wsUrl)(path));
    this.socket = ws;
    ws.onopen = () => {
      if (this.socket === ws) this.setState("live");
    };
    ws.onmessage = (ev) => {
      if (this.socket === ws) this.receive(ev.data);
    };
    ws.onerror = () => {}; // a close event follows; it decides
    ws.onclose = (ev) => {
      if (this.socket === ws) this.closed(ev.code, ev.reason);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return;
    let messages: StreamMessage[];
    try {
      messages = parseFrame(data);
    } catch {
      return; // not JSON: nothing to apply; the seq stays, so a reconnect would bring it again
    }
    if (this.history.applyFrame(messages)) {
      this.attempts = 0;
      this.opts.onUpdate?.(this.history, this);
    }
    if (this.history.final) {
      this.drop();
      this.setState("done");
    }
  }

  private closed(code: number, reason: string): void {
    this.socket = null;
    if (this.history.final) {
      this.setState("done");
      return;
    }
    if (code === NOT_FOUND) {
      this.error = reason || `run ${this.runId} not found`;
      this.setState("closed");
      return;
    }
    const backoff = this.opts.backoffMs ?? BACKOFF_MS;
    const wait = code === TOO_SLOW ? 0 : backoff[Math.min(this.attempts, backoff.length - 1)];
    this.attempts++;
    this.setState("reconnecting");
    this.timer = setTimeout(() => {
      this.timer = null;
      this.setState("connecting");
      this.connect(this.history.resumeSeq());
    }, wait);
  }

  /** Forget the socket (its late events are ignored) and close it. */
  private drop(): void {
    const ws = this.socket;
    this.socket = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try {
        ws.close(1000);
      } catch {
        // already closed
      }
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private setState(state: StreamState): void {
    if (this.state === state) return;
    this.state = state;
    this.opts.onState?.(state, this);
  }
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/**
 * One text frame -> its messages. The server encodes with Python's json.dumps, which
 * writes NaN and Infinity as bare words that JSON.parse rejects; those are read as numbers.
 */
export function parseFrame(text: string): StreamMessage[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
    const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) =>
      m[0] === '"' ? m : `"\\u0000${m}"`,
    );
    value = JSON.parse(marked, (_k, v) =>
      typeof v === "string" && v[0] === "\u0000" ? NON_FINITE[v.slice(1)] : v,
    );
  }
  if (Array.isArray(value)) return value as StreamMessage[];
  return value && typeof value === "object" ? [value as StreamMessage] : [];
}
