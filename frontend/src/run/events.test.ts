import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunEvent } from "../api/types";
import type { SocketLike, SocketState } from "../net/socket";
import { parseEvents, RunEvents } from "./events";

/** A WebSocket stand-in the test drives by hand. */
class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  closed = false;
  constructor(readonly url: string) {}
  close(): void {
    this.closed = true;
  }
  serverOpen(): void {
    this.onopen?.({} as Event);
  }
  serverSend(data: unknown): void {
    this.onmessage?.({
      data: typeof data === "string" ? data : JSON.stringify(data),
    } as MessageEvent);
  }
  serverClose(code = 1006): void {
    this.onclose?.({ code } as CloseEvent);
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const events: RunEvent[][] = [];
  const opens: boolean[] = [];
  const states: SocketState[] = [];
  const client = new RunEvents({
    url: "ws://test/api/events",
    connect: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    onEvents: (e) => events.push(e),
    onOpen: (r) => opens.push(r),
    onState: (s) => states.push(s),
  });
  return { client, sockets, events, opens, states };
}

describe("parseEvents", () => {
  it("reads a frame of messages", () => {
    const text = JSON.stringify([
      { type: "status", run_id: 1, seq: 3, status: "running", error: null },
      { type: "deleted", run_id: 2 },
    ]);
    expect(parseEvents(text).map((e) => [e.type, e.run_id])).toEqual([
      ["status", 1],
      ["deleted", 2],
    ]);
  });

  it("accepts a single message and drops malformed ones", () => {
    expect(parseEvents('{"type":"deleted","run_id":4}')).toHaveLength(1);
    expect(parseEvents("not json")).toEqual([]);
    expect(parseEvents('[1, null, {"type": "status"}, {"run_id": 1}]')).toEqual([]);
  });
});

describe("RunEvents", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("connects, delivers frames and reports the first open as not a reconnect", () => {
    const { sockets, events, opens, client } = setup();
    expect(sockets).toHaveLength(1);
    expect(sockets[0].url).toBe("ws://test/api/events");
    expect(client.state).toBe("connecting");
    sockets[0].serverOpen();
    expect(client.state).toBe("open");
    expect(opens).toEqual([false]);
    sockets[0].serverSend([{ type: "status", run_id: 5, seq: 1, status: "queued", error: null }]);
    sockets[0].serverSend("garbage");
    expect(events).toHaveLength(1);
    expect(events[0][0].run_id).toBe(5);
  });

  it("reconnects with backoff after the server closes, and says it reconnected", () => {
    const { sockets, opens, states, client } = setup();
    sockets[0].serverOpen();
    sockets[0].serverClose(1013); // too slow
    expect(client.state).toBe("waiting");
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1].serverClose(); // server still down: wait longer
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2].serverOpen();
    expect(opens).toEqual([false, true]);
    expect(states).toEqual(["open", "waiting", "connecting", "waiting", "connecting", "open"]);
    sockets[2].serverClose(); // backoff starts over after a successful open
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(4);
  });

  it("retries when the socket cannot even be constructed", () => {
    let n = 0;
    const sockets: FakeSocket[] = [];
    new RunEvents({
      url: "ws://x",
      connect: (url) => {
        if (n++ === 0) throw new Error("blocked");
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      onEvents: () => {},
    });
    expect(sockets).toHaveLength(0);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(1);
  });

  it("stops for good on close()", () => {
    const { sockets, events, client } = setup();
    sockets[0].serverOpen();
    client.close();
    expect(sockets[0].closed).toBe(true);
    expect(client.state).toBe("closed");
    sockets[0].serverSend([{ type: "deleted", run_id: 1 }]);
    sockets[0].serverClose();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(events).toHaveLength(0);
  });

  it("cancels a pending reconnect on close()", () => {
    const { sockets, client } = setup();
    sockets[0].serverClose();
    client.close();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });
});
