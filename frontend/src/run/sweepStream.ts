// A sweep's live stream: WS /api/sweeps/{id}/stream into a SweepLive, reconnecting by itself
// (net/socket) until every trial has ended. Each connection starts with the whole sweep and
// replays the trials' messages; the trials' histories drop what they already hold (by seq).
import { wsUrl } from "../api/client";
import type { SweepMessage } from "../api/types";
import { ReconnectingSocket, type SocketLike } from "../net/socket";
import { SweepLive } from "./sweepLive";

const NOT_FOUND = 4404;

export interface SweepStreamOptions {
  /** The state to feed (default: a new one). */
  live?: SweepLive;
  onUpdate?: (live: SweepLive) => void;
  connect?: (url: string) => SocketLike;
  url?: (path: string) => string;
}

export class SweepStream {
  readonly live: SweepLive;
  /** Why the stream stopped for good ("sweep 3 not found"), if it did other than by finishing. */
  error: string | null = null;
  private readonly socket: ReconnectingSocket;

  constructor(
    readonly sweepId: number,
    private readonly opts: SweepStreamOptions = {},
  ) {
    this.live = opts.live ?? new SweepLive();
    const url = opts.url ?? wsUrl;
    this.socket = new ReconnectingSocket({
      url: () => url(`/api/sweeps/${sweepId}/stream`),
      connect: opts.connect,
      onMessage: (data) => this.receive(data),
      onClose: (code, reason) => {
        if (this.live.terminal) return "stop";
        if (code === NOT_FOUND) {
          this.error = reason || `sweep ${sweepId} not found`;
          this.opts.onUpdate?.(this.live);
          return "stop";
        }
        return "backoff";
      },
    });
  }

  close(): void {
    this.socket.close();
  }

  private receive(data: string): void {
    let messages: SweepMessage[];
    try {
      messages = parseSweepFrame(data);
    } catch {
      return;
    }
    let changed = false;
    for (const m of messages) changed = this.live.apply(m) || changed;
    if (changed) {
      this.socket.progress();
      this.opts.onUpdate?.(this.live);
    }
  }
}

/** One text frame -> its messages (a JSON array, or one message). */
export function parseSweepFrame(text: string): SweepMessage[] {
  const value: unknown = JSON.parse(text);
  if (Array.isArray(value)) return value as SweepMessage[];
  return value && typeof value === "object" ? [value as SweepMessage] : [];
}
