// A WebSocket that reconnects by itself with the app's one backoff policy; its owners (a run's
// stream, the events feed) decide what a close means and what a message is.
import { backoffMs } from "./backoff";

/** The part of the browser's WebSocket this module uses (a fake one in tests). */
export interface SocketLike {
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  close(code?: number, reason?: string): void;
}

/** waiting: for the next attempt after a close or a failed connect. */
export type SocketState = "connecting" | "open" | "waiting" | "closed";

/** What to do after a close that was not ours: retry after the backoff, at once, or never. */
export type CloseDecision = "backoff" | "now" | "stop";

export interface ReconnectingOptions {
  /** The URL of the next connection (asked again before every attempt). */
  url: () => string;
  onMessage: (data: string) => void;
  /** Every open; `reconnected`: this is not the first, so messages may have been missed. */
  onOpen?: (reconnected: boolean) => void;
  onState?: (state: SocketState) => void;
  /** Decide about a close by the server or the network (default: "backoff"). */
  onClose?: (code: number, reason: string) => CloseDecision;
  /** Reset the backoff when a connection opens (default); false: only on progress(). */
  resetOnOpen?: boolean;
  connect?: (url: string) => SocketLike;
  /** Milliseconds before retry n (default: backoffMs). */
  backoff?: (attempt: number) => number;
}

export class ReconnectingSocket {
  /** Retries since the backoff was last reset. */
  attempts = 0;
  private _state: SocketState = "connecting";
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private opened = false;
  private readonly connectTo: (url: string) => SocketLike;

  constructor(private readonly opts: ReconnectingOptions) {
    this.connectTo = opts.connect ?? ((url) => new WebSocket(url));
    this.open();
  }

  get state(): SocketState {
    return this._state;
  }

  /** Something new arrived: the next retry starts the backoff over. */
  progress(): void {
    this.attempts = 0;
  }

  /** Stop for good: no more retries; the socket's late events are ignored. */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.drop();
    this.setState("closed");
  }

  private open(): void {
    this.setState("connecting");
    let ws: SocketLike;
    try {
      ws = this.connectTo(this.opts.url());
    } catch {
      this.retry(this.opts.backoff ?? backoffMs);
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      if (this.socket !== ws) return;
      const reconnected = this.opened;
      this.opened = true;
      if (this.opts.resetOnOpen ?? true) this.attempts = 0;
      this.setState("open");
      this.opts.onOpen?.(reconnected);
    };
    ws.onmessage = (ev) => {
      if (this.socket === ws && typeof ev.data === "string") this.opts.onMessage(ev.data);
    };
    ws.onerror = () => {}; // a close event follows; it decides
    ws.onclose = (ev) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.closed(ev.code, ev.reason);
    };
  }

  private closed(code: number, reason: string): void {
    const decision = this.opts.onClose?.(code, reason) ?? "backoff";
    if (this._state === "closed") return; // onClose closed us
    if (decision === "stop") this.close();
    else this.retry(decision === "now" ? () => 0 : (this.opts.backoff ?? backoffMs));
  }

  private retry(wait: (attempt: number) => number): void {
    this.setState("waiting");
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.open();
      },
      wait(this.attempts++),
    );
  }

  /** Forget the socket (its late events are ignored) and close it. */
  private drop(): void {
    const ws = this.socket;
    this.socket = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(1000);
    } catch {
      // already closed
    }
  }

  private setState(state: SocketState): void {
    if (this._state === state) return;
    this._state = state;
    this.opts.onState?.(state);
  }
}
