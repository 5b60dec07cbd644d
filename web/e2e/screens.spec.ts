// Accessibility (axe-core) on every screen, the widget on a phone, and the admin's editors.
import { expect, test } from "@playwright/test";
import {
  CUSTOMER,
  customerSignIn,
  openWidget,
  registerAgent,
  say,
  screenshotPath,
  seriousViolations,
  staffSignIn,
} from "./helpers";

test("the widget on a 360 px phone: no sideways scrolling, and no serious axe violations", async ({
  browser,
}) => {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const chat = await openWidget(page);
  expect(await seriousViolations(page)).toEqual([]); // the sign-in form
  await customerSignIn(chat, CUSTOMER);
  await say(chat, "How long do I have to return an item?");
  const log = chat.getByRole("log", { name: "Conversation" });
  await expect(log).toContainText("return");
  const frame = page.frame({ url: /widget\.html/ });
  expect(frame).not.toBeNull();
  const widths = await frame!.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  const box = await page.locator('iframe[title="Support chat"]').boundingBox();
  expect(box?.width).toBe(360);
  expect(await seriousViolations(page)).toEqual([]);
  const shot = screenshotPath("widget-phone");
  if (shot) await page.screenshot({ path: shot });
});

test("the widget works from the keyboard alone", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/demo.html");
  const launcher = page.getByRole("button", { name: "Chat with us" });
  await launcher.focus();
  await page.keyboard.press("Enter");
  const chat = page.frameLocator('iframe[title="Support chat"]');
  await chat.getByLabel("Customer ID").focus();
  await page.keyboard.type(CUSTOMER);
  await page.keyboard.press("Enter");
  await expect(chat.getByLabel("Message")).toBeVisible();
  await chat.getByLabel("Message").focus();
  await page.keyboard.type("Hello");
  await page.keyboard.press("Enter");
  await expect(chat.getByRole("log", { name: "Conversation" })).toContainText("Hello");
  await page.keyboard.press("Escape");
  await expect(launcher).toBeFocused();
});

test("the agent console has no serious axe violations", async ({ browser, request }) => {
  await registerAgent(request, "agent_axe", "Axe Agent");
  const page = await staffSignIn(browser, "AGENT", "agent_axe");
  await expect(page.getByRole("region", { name: "Queue" })).toBeVisible();
  await expect(page.getByLabel("My status")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test("every admin section has no serious axe violations", async ({ browser }) => {
  const page = await staffSignIn(browser, "ADMIN", "admin_root");
  for (const [section, heading] of [
    ["analytics", "Analytics"],
    ["knowledge", "Knowledge base"],
    ["rules", "Escalation rules"],
    ["agents", "Agents"],
  ] as const) {
    await page.goto(`/admin/${section}`);
    await expect(page.getByRole("heading", { name: heading, level: 2 })).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page), section).toEqual([]);
  }
});

test("an admin adds a knowledge-base entry and the assistant quotes it", async ({ browser }) => {
  const page = await staffSignIn(browser, "ADMIN", "admin_root");
  await page.goto("/admin/knowledge");
  await page.getByRole("button", { name: "New entry" }).click();
  const form = page.getByRole("dialog");
  const title = "Do you offer gift wrapping?";
  const content = "Yes. Gift wrapping is free on every order; choose it at checkout.";
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Content").fill(content);
  await form.getByLabel("Category").fill("orders");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form).toBeHidden();
  await page.getByLabel("Search the knowledge base").fill("gift wrapping");
  await expect(page.getByText("Knowledge-base entries: 1 found", { exact: false })).toBeVisible();
  await expect(page.getByRole("table").getByText(title)).toBeVisible();
  const shot = screenshotPath("admin-knowledge");
  if (shot) await page.screenshot({ path: shot });

  const store = await (await browser.newContext()).newPage();
  const chat = await openWidget(store);
  await chat.getByRole("button", { name: "Chat as guest" }).click();
  await say(chat, "Do you offer gift wrapping?");
  await expect(chat.getByRole("log", { name: "Conversation" })).toContainText("Gift wrapping is free");
  await expect(chat.getByText(title).last()).toBeVisible();
});
