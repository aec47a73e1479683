// WS /api/events: status changes of every run, for live lists; reconnects by itself (net/socket).
import { wsUrl } from "../api/client";
import type { RunEvent } from "../api/types";
import { ReconnectingSocket, type SocketLike, type SocketState } from "../net/socket";

export interface EventsOptions {
  onEvents: (events: RunEvent[]) => void;
  /** Called on every open; `reconnected` means messages may have been missed: reload the list. */
  onOpen?: (reconnected: boolean) => void;
  onState?: (state: SocketState) => void;
  url?: string; // default: /api/events on this server
  connect?: (url: string) => SocketLike;
}

/** A frame is a JSON array of messages (or one message); anything malformed is dropped. */
export function parseEvents(text: string): RunEvent[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  const items = Array.isArray(data) ? data : [data];
  return items.filter(
    (m): m is RunEvent =>
      typeof m === "object" &&
      m !== null &&
      typeof (m as RunEvent).type === "string" &&
      typeof (m as RunEvent).run_id === "number",
  );
}

export class RunEvents {
  private readonly socket: ReconnectingSocket;

  constructor(opts: EventsOptions) {
    const url = opts.url ?? wsUrl("/api/events");
    // The server closes a viewer that falls behind (1013); a restart or network loss closes
    // it too. Every close but ours reconnects after the backoff.
    this.socket = new ReconnectingSocket({
      url: () => url,
      connect: opts.connect,
      onOpen: opts.onOpen,
      onState: opts.onState,
      onMessage: (data) => {
        const events = parseEvents(data);
        if (events.length) opts.onEvents(events);
      },
    });
  }

  get state(): SocketState {
    return this.socket.state;
  }

  /** Stop for good (on unmount). */
  close(): void {
    this.socket.close();
  }
}
