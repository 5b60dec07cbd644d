import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, type Browser, expect, type FrameLocator, type Page } from "@playwright/test";

export const CUSTOMER = "yusuf_rossi_9620";
export const ORDER = "#W6247578";
export const AGENT = "agent_maya";
export const AGENT_NAME = "Maya";

/** Where the README's screenshots go (unset: not taken). */
export function screenshotPath(name: string): string | undefined {
  const dir = process.env.SCREENSHOTS;
  return dir ? `${dir}/${name}.png` : undefined;
}

export async function token(api: APIRequestContext, role: string, userId: string): Promise<string> {
  const response = await api.post("/api/v1/auth/dev-login", { data: { role, user_id: userId } });
  expect(response.ok()).toBeTruthy();
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The admin registers an agent through the API (the agents screen has its own test). */
export async function registerAgent(api: APIRequestContext, agentId: string, name: string): Promise<void> {
  const admin = await token(api, "ADMIN", "admin_root");
  const response = await api.put(`/api/v1/support/agents/${agentId}`, {
    headers: { Authorization: `Bearer ${admin}` },
    data: { display_name: name, status: "AVAILABLE", languages: ["en"], specializations: ["orders"] },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
}

/** Sign in to the staff app with the development sign-in. */
export async function staffSignIn(browser: Browser, role: "AGENT" | "ADMIN", userId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto("/");
  await page.locator("label", { hasText: role === "ADMIN" ? /^Admin$/ : /^Agent$/ }).click();
  await page.getByLabel("User ID").fill(userId);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return page;
}

/** Open the demo store and its chat; the widget's frame. */
export async function openWidget(page: Page): Promise<FrameLocator> {
  await page.goto("/demo.html");
  await page.getByRole("button", { name: "Chat with us" }).click();
  const frame = page.frameLocator('iframe[title="Support chat"]');
  await expect(frame.getByRole("heading", { name: "Support" })).toBeVisible();
  return frame;
}

export async function customerSignIn(frame: FrameLocator, customerId: string): Promise<void> {
  await frame.getByLabel("Customer ID").fill(customerId);
  await frame.getByRole("button", { name: "Sign in" }).click();
  await expect(frame.getByLabel("Message")).toBeVisible();
}

export async function say(frame: FrameLocator, text: string): Promise<void> {
  await frame.getByLabel("Message").fill(text);
  await frame.getByRole("button", { name: "Send", exact: true }).click();
}

/** axe-core's serious and critical violations on the page as it is now (frames included). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Errors the page logs (a blocked script or style under the CSP among them), as they come. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}
