import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type CloseDecision,
  ReconnectingSocket,
  type SocketLike,
  type SocketState,
} from "./socket";

class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  closedWith: number | null = null;
  constructor(readonly url: string) {}
  close(code?: number): void {
    this.closedWith = code ?? 1005;
  }
  open(): void {
    this.onopen?.({} as Event);
  }
  send(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent);
  }
  drop(code = 1006, reason = ""): void {
    this.onclose?.({ code, reason } as CloseEvent);
  }
}

function setup(opts: { decide?: (code: number) => CloseDecision; resetOnOpen?: boolean } = {}) {
  const sockets: FakeSocket[] = [];
  const messages: string[] = [];
  const states: SocketState[] = [];
  let n = 0;
  const socket = new ReconnectingSocket({
    url: () => `ws://test/${n++}`,
    connect: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    onMessage: (d) => messages.push(d),
    onState: (s) => states.push(s),
    onClose: opts.decide,
    resetOnOpen: opts.resetOnOpen,
  });
  return { socket, sockets, messages, states };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("ReconnectingSocket", () => {
  it("asks for the URL again before each attempt and passes text messages on", () => {
    const { sockets, messages } = setup();
    sockets[0].open();
    sockets[0].send("a");
    sockets[0].send(new ArrayBuffer(1)); // not text: dropped
    sockets[0].drop();
    vi.advanceTimersByTime(500);
    expect(sockets.map((s) => s.url)).toEqual(["ws://test/0", "ws://test/1"]);
    expect(messages).toEqual(["a"]);
  });

  it("follows its owner's decision about a close", () => {
    const { socket, sockets, states } = setup({
      decide: (code) => (code === 1013 ? "now" : code === 4404 ? "stop" : "backoff"),
    });
    sockets[0].drop(1013);
    vi.advanceTimersByTime(0);
    expect(sockets).toHaveLength(2);
    sockets[1].drop(4404);
    expect(socket.state).toBe("closed");
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(2);
    expect(states).toEqual(["waiting", "connecting", "closed"]);
  });

  it("resets the backoff on open, or only on progress() when told so", () => {
    const reset = setup();
    reset.sockets[0].drop();
    vi.advanceTimersByTime(500);
    reset.sockets[1].open();
    expect(reset.socket.attempts).toBe(0);

    const manual = setup({ resetOnOpen: false });
    manual.sockets[0].drop();
    vi.advanceTimersByTime(500);
    manual.sockets[1].open();
    expect(manual.socket.attempts).toBe(1);
    manual.socket.progress();
    expect(manual.socket.attempts).toBe(0);
  });

  it("closes its socket with 1000 and ignores it afterwards", () => {
    const { socket, sockets, messages } = setup();
    sockets[0].open();
    socket.close();
    expect(sockets[0].closedWith).toBe(1000);
    sockets[0].send("late");
    expect(messages).toEqual([]);
    expect(socket.state).toBe("closed");
  });
});
