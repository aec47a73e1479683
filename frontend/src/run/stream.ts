// A run's live stream: WS /api/runs/{id}/stream?from_seq=N into a RunHistory, reconnecting
// by itself (net/socket) until the run's final status arrives; every reconnect resumes from
// the last batch seen, so nothing is missed and nothing is applied twice.

import { wsUrl } from "../api/client";
import type { StreamMessage } from "../api/types";
import { ReconnectingSocket, type SocketLike, type SocketState } from "../net/socket";
import { RunHistory } from "./history";

export type StreamState = "connecting" | "live" | "reconnecting" | "done" | "closed";

export interface RunStreamOptions {
  /** The history to feed (default: a new one); it may hold messages from an earlier stream. */
  history?: RunHistory;
  /** Ask for messages after this seq first (default: history.resumeSeq()). */
  fromSeq?: number;
  /** After each frame that changed the history. */
  onUpdate?: (history: RunHistory, stream: RunStream) => void;
  /** After each change of `state`. */
  onState?: (state: StreamState, stream: RunStream) => void;
  connect?: (url: string) => SocketLike;
  /** path -> ws:// URL (default: wsUrl, this page's host). */
  url?: (path: string) => string;
}

const TOO_SLOW = 1013; // the server dropped a lagging viewer: reconnect at once
const NOT_FOUND = 4404;
const SOCKET_STATES: Record<SocketState, StreamState> = {
  connecting: "connecting",
  open: "live",
  waiting: "reconnecting",
  closed: "closed",
};

export class RunStream {
  readonly history: RunHistory;
  state: StreamState = "connecting";
  /** Why the stream stopped for good ("run 3 not found"), if it did other than by finishing. */
  error: string | null = null;
  private readonly socket: ReconnectingSocket | null = null;

  constructor(
    readonly runId: number,
    private readonly opts: RunStreamOptions = {},
  ) {
    this.history = opts.history ?? new RunHistory();
    if (this.history.terminal) {
      // A stream from the last seq of a finished run would never close; nothing can come.
      this.setState("done");
      return;
    }
    let first: number | null = opts.fromSeq ?? null;
    const url = opts.url ?? wsUrl;
    const nextUrl = () => {
      const fromSeq = first ?? this.history.resumeSeq();
      first = null;
      return url(`/api/runs/${runId}/stream?from_seq=${fromSeq}`);
    };
    this.socket = new ReconnectingSocket({
      url: nextUrl,
      connect: opts.connect,
      resetOnOpen: false, // a server that accepts and drops at once is still backed off from
      onMessage: (data) => this.receive(data),
      onState: (s) => {
        if (this.state !== "done") this.setState(SOCKET_STATES[s]);
      },
      onClose: (code, reason) => this.closed(code, reason),
    });
  }

  /** The highest seq received. */
  get lastSeq(): number {
    return this.history.lastSeq;
  }

  /** Reconnect attempts since the last frame that brought something new. */
  get attempts(): number {
    return this.socket?.attempts ?? 0;
  }

  /** Stop for good (leaving the page); a finished stream stays "done". */
  close(): void {
    this.socket?.close();
  }

  private receive(data: string): void {
    let messages: StreamMessage[];
    try {
      messages = parseFrame(data);
    } catch {
      return; // not JSON: nothing to apply; the seq stays, so a reconnect would bring it again
    }
    if (this.history.applyFrame(messages)) {
      this.socket?.progress();
      this.opts.onUpdate?.(this.history, this);
    }
    if (this.history.terminal) {
      this.setState("done");
      this.socket?.close();
    }
  }

  private closed(code: number, reason: string): "backoff" | "now" | "stop" {
    if (this.history.terminal) {
      this.setState("done");
      return "stop";
    }
    if (code === NOT_FOUND) {
      this.error = reason || `run ${this.runId} not found`;
      return "stop";
    }
    return code === TOO_SLOW ? "now" : "backoff";
  }

  private setState(state: StreamState): void {
    if (this.state === state) return;
    this.state = state;
    this.opts.onState?.(state, this);
  }
}

/**
 * One text frame -> its messages (a JSON array, or one message). Non-finite numbers come as
 * null, as in REST answers; the history reads them as gaps.
 */
export function parseFrame(text: string): StreamMessage[] {
  const value: unknown = JSON.parse(text);
  if (Array.isArray(value)) return value as StreamMessage[];
  return value && typeof value === "object" ? [value as StreamMessage] : [];
}
