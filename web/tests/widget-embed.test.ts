import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { connectHost } from "../src/widget/host";

const EMBED = readFileSync(resolve(__dirname, "../public/embed.js"), "utf8");
const WIDGET_ORIGIN = "http://widget.test";

declare global {
  interface Window {
    SupportGraph?: { open: () => void; close: () => void; setToken: (token: string) => void };
  }
}

/** Run embed.js as if a page had `<script src="http://widget.test/embed.js" data-…>`. */
function loadEmbed(data: Record<string, string> = {}) {
  const script = document.createElement("script");
  script.src = `${WIDGET_ORIGIN}/embed.js`;
  for (const [key, value] of Object.entries(data)) script.dataset[key] = value;
  document.head.append(script);
  Object.defineProperty(document, "currentScript", { configurable: true, get: () => script });
  new Function(EMBED)();
  const frame = screen.getByTitle("Support chat") as HTMLIFrameElement;
  const target = frame.contentWindow as Window;
  const posted = vi.spyOn(target, "postMessage").mockImplementation(() => undefined);
  return { frame, target, posted, launcher: screen.getByRole("button", { name: "Chat with us" }) };
}

function fromFrame(source: Window, data: unknown, origin = WIDGET_ORIGIN) {
  window.dispatchEvent(new MessageEvent("message", { data, origin, source }));
}

afterEach(() => {
  document.body.innerHTML = "";
  document.head.innerHTML = "";
  delete window.SupportGraph;
  Reflect.deleteProperty(document, "currentScript");
});

describe("embed.js", () => {
  it("adds a launcher that opens and closes the chat frame", async () => {
    const { frame, launcher } = loadEmbed();
    const user = userEvent.setup();
    expect(launcher).toHaveAttribute("aria-expanded", "false");
    expect(launcher).toHaveAttribute("aria-controls", frame.id);
    expect(frame.hidden).toBe(true);
    expect(frame.src).toBe(
      `${WIDGET_ORIGIN}/widget.html?host=${encodeURIComponent(window.location.origin)}`,
    );

    await user.click(launcher);
    expect(frame.hidden).toBe(false);
    expect(launcher).toHaveAttribute("aria-expanded", "true");

    await user.click(launcher);
    expect(frame.hidden).toBe(true);
    expect(launcher).toHaveAttribute("aria-expanded", "false");
  });

  it("hands the token to the frame by postMessage, never in its URL", () => {
    const { frame, posted } = loadEmbed({ token: "host-token-1", subject: "Order help" });
    expect(frame.src).not.toContain("host-token-1");
    frame.dispatchEvent(new Event("load"));
    const token = (value: string) => ({ type: "supportgraph:token", token: value });
    expect(posted).toHaveBeenCalledWith(token("host-token-1"), WIDGET_ORIGIN);
    expect(posted).toHaveBeenCalledWith(
      { type: "supportgraph:config", anonymous: false, subject: "Order help" },
      WIDGET_ORIGIN,
    );

    window.SupportGraph?.setToken("host-token-2");
    expect(posted).toHaveBeenLastCalledWith(token("host-token-2"), WIDGET_ORIGIN);
  });

  it("closes on the frame's close message and on Escape, focusing the launcher", async () => {
    const { target, launcher, frame } = loadEmbed({ anonymous: "true" });
    window.SupportGraph?.open();
    expect(frame.hidden).toBe(false);

    fromFrame(target, { type: "supportgraph:close" }, "http://elsewhere.test");
    expect(frame.hidden).toBe(false);
    fromFrame(target, { type: "supportgraph:close" });
    expect(frame.hidden).toBe(true);
    expect(launcher).toHaveFocus();

    window.SupportGraph?.open();
    await userEvent.keyboard("{Escape}");
    expect(frame.hidden).toBe(true);
    expect(launcher).toHaveFocus();
  });

  it("answers the frame's ready message with its settings", () => {
    const { target, posted } = loadEmbed({ anonymous: "true" });
    fromFrame(target, { type: "supportgraph:ready" });
    expect(posted).toHaveBeenCalledWith(
      { type: "supportgraph:config", anonymous: true, subject: "" },
      WIDGET_ORIGIN,
    );
  });
});

describe("the widget's host link", () => {
  it("takes a token only from a trusted origin", () => {
    const host = connectHost(window);
    const listener = vi.fn();
    host.subscribe(listener);
    const send = (origin: string, token: string) => {
      const data = { type: "supportgraph:token", token };
      window.dispatchEvent(new MessageEvent("message", { data, origin, source: window }));
    };
    send("http://evil.test", "stolen");
    expect(host.token()).toBeNull();
    send(window.location.origin, "good-token");
    expect(host.token()).toBe("good-token");
    expect(listener).toHaveBeenCalledWith("token");
  });
});
