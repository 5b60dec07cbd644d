import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { home } from "../src/app/App";
import { SignIn } from "../src/app/SignIn";
import { Session } from "../src/shared/session";
import { renderWithTheme } from "./render";

function jwt(claims: Record<string, unknown>): string {
  const part = btoa(JSON.stringify(claims)).replace(/=+$/, "");
  return `e30.${part}.sig`;
}

function serve(config: { dev_auth: boolean; anonymous_chat: boolean }) {
  const fetchMock = vi.fn(async (url: string, _init?: RequestInit) => {
    if (url.endsWith("/client-config")) return new Response(JSON.stringify(config));
    if (url.endsWith("/auth/dev-login")) {
      const token = jwt({ sub: "agent_maya", role: "AGENT", exp: Date.now() / 1000 + 900 });
      return new Response(
        JSON.stringify({ access_token: token, refresh_token: "", token_type: "bearer", expires_in: 900 }),
      );
    }
    return new Response("{}", { status: 404 });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function storage(): Storage {
  const values = new Map<string, string>();
  return {
    get length() {
      return values.size;
    },
    clear: () => values.clear(),
    getItem: (key) => values.get(key) ?? null,
    key: () => null,
    removeItem: (key) => void values.delete(key),
    setItem: (key, value) => void values.set(key, value),
  };
}

afterEach(() => vi.unstubAllGlobals());

describe("the staff app", () => {
  it("sends each role to its own screen", () => {
    expect(home("ADMIN")).toBe("/admin/analytics");
    expect(home("AGENT")).toBe("/console");
    expect(home("USER")).toBe("/");
  });

  it("signs an agent in with the development sign-in", async () => {
    const fetchMock = serve({ dev_auth: true, anonymous_chat: true });
    const session = new Session("test", storage());
    renderWithTheme(
      <MemoryRouter>
        <SignIn session={session} />
      </MemoryRouter>,
    );
    await userEvent.type(await screen.findByLabelText(/User ID/), "agent_maya");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(session.signedIn).toBe(true));
    expect(session.claims?.role).toBe("AGENT");
    const login = fetchMock.mock.calls.find(([url]) => String(url).endsWith("/dev-login"));
    expect(JSON.parse(String(login?.[1]?.body))).toEqual({
      role: "AGENT",
      user_id: "agent_maya",
    });
  });

  it("without the development sign-in takes a staff token and refuses a customer's", async () => {
    serve({ dev_auth: false, anonymous_chat: true });
    const session = new Session("test", storage());
    renderWithTheme(
      <MemoryRouter>
        <SignIn session={session} />
      </MemoryRouter>,
    );
    const box = await screen.findByLabelText(/Access token/);
    expect(screen.queryByLabelText(/User ID/)).toBeNull();
    await userEvent.type(box, jwt({ sub: "yusuf", role: "USER" }));
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("customer's");
    expect(session.signedIn).toBe(false);
    await userEvent.clear(box);
    await userEvent.type(box, jwt({ sub: "admin_root", role: "ADMIN" }));
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(session.claims?.role).toBe("ADMIN"));
  });
});
