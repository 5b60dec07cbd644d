import { afterEach, describe, expect, it, vi } from "vitest";
import { Api, ApiError, describeError, query } from "../src/shared/api";
import { readClaims } from "../src/shared/session";
import { SupportSocket, type SocketState } from "../src/shared/socket";

class FakeSocket {
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {}
  send(frame: string) {
    this.sent.push(frame);
  }
  close() {
    this.onclose?.({ code: 1000 });
  }
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("the support socket", () => {
  it("queues while down, re-subscribes after a drop and asks the page to catch up", () => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const states: SocketState[] = [];
    const reconnected = vi.fn();
    const socket = new SupportSocket({
      token: () => "tok en",
      url: "ws://host/api/v1/support/ws",
      onEvent: () => undefined,
      onState: (state) => states.push(state),
      onReconnect: reconnected,
      create: (url) => {
        const fake = new FakeSocket(url);
        sockets.push(fake);
        return fake as unknown as WebSocket;
      },
    });
    socket.connect();
    socket.follow("conv_1");
    socket.send({ type: "SEND_MESSAGE", conversation_id: "conv_1", content: "hi" });
    expect(sockets[0]?.url).toBe("ws://host/api/v1/support/ws?token=tok%20en");
    sockets[0]?.onopen?.();
    expect(sockets[0]?.sent.map((f) => JSON.parse(f).type)).toEqual(["SUBSCRIBE", "SEND_MESSAGE"]);
    expect(reconnected).not.toHaveBeenCalled();

    sockets[0]?.onclose?.({ code: 1006 });
    expect(socket.state).toBe("reconnecting");
    socket.send({ type: "ESCALATE", conversation_id: "conv_1" });
    vi.advanceTimersByTime(1000);
    expect(sockets).toHaveLength(2);
    sockets[1]?.onopen?.();
    expect(sockets[1]?.sent.map((f) => JSON.parse(f).type)).toEqual(["SUBSCRIBE", "ESCALATE"]);
    expect(reconnected).toHaveBeenCalledOnce();
    expect(states).toEqual(["open", "reconnecting", "open"]);
  });

  it("stops on an authentication close instead of retrying", () => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const socket = new SupportSocket({
      token: () => null,
      url: "ws://host/ws",
      onEvent: () => undefined,
      create: (url) => {
        const fake = new FakeSocket(url);
        sockets.push(fake);
        return fake as unknown as WebSocket;
      },
    });
    socket.connect();
    sockets[0]?.onclose?.({ code: 4401 });
    vi.advanceTimersByTime(60_000);
    expect(socket.state).toBe("unauthorized");
    expect(sockets).toHaveLength(1);
  });
});

describe("the API client", () => {
  it("reads every error shape the server sends", () => {
    expect(describeError(409, { detail: { code: "stale", message: "changed" } })).toEqual({
      code: "stale",
      message: "changed",
    });
    expect(describeError(404, { detail: "order x not found" }).message).toBe("order x not found");
    expect(describeError(422, { detail: [{ loc: ["body", "title"], msg: "too short" }] }).message).toBe(
      "title: too short",
    );
    expect(describeError(500, null).code).toBe("http_500");
  });

  it("sends the bearer token and raises ApiError with the server's words", async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify({ detail: { code: "forbidden", message: "admins only" } }), {
        status: 403,
      }),
    );
    vi.stubGlobal("fetch", fetchMock);
    const api = new Api(() => "abc");
    const failure = await api.get("/x").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).message).toBe("admins only");
    const init = fetchMock.mock.calls[0]?.[1] ?? {};
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer abc");
  });

  it("builds query strings from the values given", () => {
    expect(query({ q: "gift wrap", page: 2, empty: "", none: undefined })).toBe("?q=gift+wrap&page=2");
    expect(query({})).toBe("");
  });

  it("reads a token's claims, and nothing from a non-token", () => {
    const token = `h.${btoa(JSON.stringify({ sub: "a", role: "ADMIN" }))}.s`;
    expect(readClaims(token)?.role).toBe("ADMIN");
    expect(readClaims("nonsense")).toBeNull();
  });
});
