import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { StreamMessage } from "../api/types";
import { backoffMs } from "../net/backoff";
import type { SocketLike } from "../net/socket";
import recorded from "./__fixtures__/stream-spiral.json";
import { RunHistory } from "./history";
import { parseFrame, RunStream, type StreamState } from "./stream";

const FRAMES = recorded as unknown as StreamMessage[][];

/** A WebSocket stand-in that the test drives as the server would. */
class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  closedWith: number | null = null;
  constructor(readonly url: string) {}
  get fromSeq(): number {
    return Number(new URL(this.url).searchParams.get("from_seq"));
  }
  close(code = 1005): void {
    this.closedWith = code;
  }
  open(): void {
    this.onopen?.({} as Event);
  }
  send(messages: unknown): void {
    this.onmessage?.({
      data: typeof messages === "string" ? messages : JSON.stringify(messages),
    } as MessageEvent);
  }
  /** What the server does: every recorded frame's messages with seq > from_seq. */
  replay(frames: StreamMessage[][] = FRAMES): void {
    for (const f of frames) {
      const fresh = f.filter((m) => m.seq > this.fromSeq);
      if (fresh.length) this.send(fresh);
    }
  }
  drop(code = 1006, reason = ""): void {
    this.onerror?.({} as Event);
    this.onclose?.({ code, reason } as CloseEvent);
  }
}

function setup(history?: RunHistory) {
  const sockets: FakeSocket[] = [];
  const states: StreamState[] = [];
  let updates = 0;
  const Socket = class extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  };
  const stream = new RunStream(2, {
    history,
    connect: (url) => new Socket(url),
    url: (path) => `ws://test${path}`,
    onUpdate: () => updates++,
    onState: (s) => states.push(s),
  });
  return {
    stream,
    sockets,
    states,
    updates: () => updates,
    last: () => sockets[sockets.length - 1],
  };
}

/** The whole run applied once, for comparison. */
function reference() {
  const h = new RunHistory();
  for (const f of FRAMES) h.applyFrame(f);
  return JSON.parse(
    JSON.stringify([h.epochs, h.steps, h.layerList(), h.result, h.status, h.boundary]),
  );
}

function contents(h: RunHistory) {
  return JSON.parse(
    JSON.stringify([h.epochs, h.steps, h.layerList(), h.result, h.status, h.boundary]),
  );
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("RunStream", () => {
  it("follows a run to its final status, then stops", () => {
    const { stream, sockets, states, updates } = setup();
    expect(sockets).toHaveLength(1);
    expect(sockets[0].url).toBe("ws://test/api/runs/2/stream?from_seq=0");
    expect(stream.state).toBe("connecting");
    sockets[0].open();
    expect(stream.state).toBe("live");
    sockets[0].replay();
    expect(stream.state).toBe("done");
    expect(stream.lastSeq).toBe(9);
    expect(updates()).toBe(FRAMES.length);
    expect(sockets[0].closedWith).toBe(1000);
    expect(contents(stream.history)).toEqual(reference());
    sockets[0].drop(1000); // the server's own close comes after: ignored
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(states).toEqual(["live", "done"]);
  });

  it("reconnects after a drop from the last batch and misses or repeats nothing", () => {
    const { stream, sockets, states } = setup();
    sockets[0].open();
    sockets[0].replay(FRAMES.slice(0, 3)); // up to seq 6
    sockets[0].drop();
    expect(stream.state).toBe("reconnecting");
    vi.advanceTimersByTime(backoffMs(0) - 1);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    expect(sockets[1].fromSeq).toBe(5); // batch 6 again: it may have come only in part
    sockets[1].open();
    sockets[1].replay();
    expect(stream.state).toBe("done");
    expect(contents(stream.history)).toEqual(reference());
    expect(states).toEqual(["live", "reconnecting", "connecting", "live", "done"]);
  });

  it("completes a batch whose replay frame was cut in two before the drop", () => {
    const { stream, sockets } = setup();
    sockets[0].open();
    const all = FRAMES.flat();
    const cut = all.findIndex((m) => m.seq === 7) + 20;
    sockets[0].send(all.slice(0, cut)); // the server splits replays by size, not by batch
    sockets[0].drop();
    vi.advanceTimersByTime(backoffMs(0));
    expect(sockets[1].fromSeq).toBe(6);
    sockets[1].open();
    sockets[1].replay();
    expect(contents(stream.history)).toEqual(reference());
  });

  it("backs off 0.5 s, 1 s, 2 s, ... up to 5 s while nothing new arrives", () => {
    const { stream, sockets } = setup();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = sockets.length;
      sockets[before - 1].drop();
      let waited = 0;
      while (sockets.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(stream.attempts).toBe(7);
    // A reconnect that resends nothing new changes nothing.
    expect(stream.history.version).toBe(0);
    // Progress resets the backoff.
    sockets[sockets.length - 1].open();
    sockets[sockets.length - 1].replay(FRAMES.slice(0, 1));
    expect(stream.attempts).toBe(0);
    sockets[sockets.length - 1].drop();
    vi.advanceTimersByTime(500);
    expect(sockets[sockets.length - 1].fromSeq).toBe(3);
  });

  it("comes back at once after 1013 (too slow) with its last batch", () => {
    const { sockets, stream } = setup();
    sockets[0].open();
    sockets[0].replay(FRAMES.slice(0, 4)); // up to seq 7
    const version = stream.history.version;
    sockets[0].drop(1013, "viewer too slow; reconnect with from_seq=7");
    vi.advanceTimersByTime(0);
    expect(sockets).toHaveLength(2);
    expect(sockets[1].fromSeq).toBe(6);
    sockets[1].open();
    sockets[1].replay(FRAMES.slice(0, 4)); // batch 7 again: nothing new
    expect(stream.history.version).toBe(version);
    sockets[1].replay();
    expect(contents(stream.history)).toEqual(reference());
  });

  it("stops on 4404 (no such run) with the reason", () => {
    const { stream, sockets } = setup();
    sockets[0].drop(4404, "run 2 not found");
    expect(stream.state).toBe("closed");
    expect(stream.error).toBe("run 2 not found");
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it("close() stops a pending reconnect and ignores the old socket", () => {
    const { stream, sockets, updates } = setup();
    sockets[0].open();
    sockets[0].drop();
    stream.close();
    expect(stream.state).toBe("closed");
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    sockets[0].replay(); // late events of a forgotten socket
    expect(updates()).toBe(0);

    const live = setup();
    live.sockets[0].open();
    live.stream.close();
    expect(live.sockets[0].closedWith).toBe(1000);
    expect(live.sockets[0].onmessage).toBeNull();
  });

  it("resumes a history it is given, and opens nothing for a finished one", () => {
    const h = new RunHistory();
    h.applyFrame(FRAMES[0]);
    h.applyFrame(FRAMES[1]);
    const resumed = setup(h);
    expect(resumed.sockets[0].fromSeq).toBe(4);

    const done = new RunHistory();
    for (const f of FRAMES) done.applyFrame(f);
    const finished = setup(done);
    expect(finished.sockets).toHaveLength(0);
    expect(finished.stream.state).toBe("done");
  });

  it("ignores frames that are not JSON", () => {
    const { stream, sockets } = setup();
    sockets[0].open();
    sockets[0].send("not json");
    expect(stream.history.version).toBe(0);
    expect(stream.state).toBe("live");
  });
});

describe("parseFrame", () => {
  it("reads a frame of messages, or one message", () => {
    expect(parseFrame('[{"type":"status","seq":1}]')).toHaveLength(1);
    expect(parseFrame('{"type":"status","seq":1}')).toHaveLength(1);
    expect(parseFrame("null")).toEqual([]);
    expect(() => parseFrame("[{")).toThrow();
  });

  it("reads non-finite values, sent as null, as null; bare NaN is not JSON", () => {
    const [m] = parseFrame(
      '[{"type":"epoch","seq":3,"metrics":{"a":null,"d":1},"note":"NaN, \\"Infinity\\""}]',
    ) as unknown as { metrics: Record<string, number | null>; note: string }[];
    expect(m.metrics.a).toBeNull();
    expect(m.metrics.d).toBe(1);
    expect(m.note).toBe('NaN, "Infinity"');
    expect(() => parseFrame('[{"type":"epoch","seq":3,"metrics":{"a":NaN}}]')).toThrow();
  });
});
