// WS /api/events: status changes of every run, for live lists; reconnects by itself.
import { wsUrl } from "../api/client";
import type { RunEvent } from "../api/types";

/** The part of a WebSocket this client uses (a fake in tests). */
export interface SocketLike {
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  close(code?: number, reason?: string): void;
}

export type EventsState = "connecting" | "open" | "waiting" | "closed"; // waiting: to reconnect

export interface EventsOptions {
  onEvents: (events: RunEvent[]) => void;
  /** Called on every open; `reconnected` means messages may have been missed: reload the list. */
  onOpen?: (reconnected: boolean) => void;
  onState?: (state: EventsState) => void;
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

/** Milliseconds before reconnect attempt `n` (0-based): 0.5 s doubling to 10 s. */
export function backoff(n: number): number {
  return Math.min(10_000, 500 * 2 ** n);
}

export class RunEvents {
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0; // closes since the last successful open
  private opened = false; // has any connection opened yet
  private _state: EventsState = "connecting";
  private readonly url: string;
  private readonly connect: (url: string) => SocketLike;

  constructor(private readonly opts: EventsOptions) {
    this.url = opts.url ?? wsUrl("/api/events");
    this.connect = opts.connect ?? ((url) => new WebSocket(url));
    this.open();
  }

  get state(): EventsState {
    return this._state;
  }

  /** Stop for good (on unmount). */
  close(): void {
    this.setState("closed");
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      s.close();
    }
  }

  private setState(state: EventsState): void {
    if (this._state === state) return;
    this._state = state;
    this.opts.onState?.(state);
  }

  private open(): void {
    this.setState("connecting");
    let s: SocketLike;
    try {
      s = this.connect(this.url);
    } catch {
      this.retry();
      return;
    }
    this.socket = s;
    s.onopen = () => {
      const reconnected = this.opened;
      this.opened = true;
      this.failures = 0;
      this.setState("open");
      this.opts.onOpen?.(reconnected);
    };
    s.onmessage = (ev) => {
      if (typeof ev.data !== "string") return;
      const events = parseEvents(ev.data);
      if (events.length) this.opts.onEvents(events);
    };
    // The server closes a viewer that falls behind (1013); a restart or network loss closes
    // it too. Every close but ours reconnects.
    s.onclose = () => {
      if (this.socket !== s) return;
      this.socket = null;
      this.retry();
    };
    s.onerror = () => {}; // a close always follows
  }

  private retry(): void {
    if (this._state === "closed") return;
    this.setState("waiting");
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.open();
      },
      backoff(this.failures++),
    );
  }
}
