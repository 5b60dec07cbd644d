// The whole handoff journey in two browsers, customer and agent, then the admin's chart.
import { expect, test } from "@playwright/test";
import {
  AGENT,
  AGENT_NAME,
  CUSTOMER,
  consoleErrors,
  ORDER,
  customerSignIn,
  openWidget,
  registerAgent,
  say,
  screenshotPath,
  seriousViolations,
  staffSignIn,
} from "./helpers";

test("a customer's change, handoff and rating, worked by an agent, counted for the admin", async ({
  browser,
  request,
}) => {
  await registerAgent(request, AGENT, AGENT_NAME);
  const agent = await staffSignIn(browser, "AGENT", AGENT);
  const agentErrors = consoleErrors(agent);
  await expect(agent).toHaveURL(/\/console$/);
  const queue = agent.getByRole("region", { name: "Queue" });
  await expect(queue).toBeVisible();

  // The customer signs in in the widget and asks about an order.
  const customerContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const store = await customerContext.newPage();
  const storeErrors = consoleErrors(store);
  const chat = await openWidget(store);
  await customerSignIn(chat, CUSTOMER);
  const log = chat.getByRole("log", { name: "Conversation" });
  await say(chat, `What is the status of order ${ORDER}?`);
  await expect(log).toContainText(`Order ${ORDER} is pending`);

  // A change waits for the customer's yes, given with the Yes button.
  await say(chat, "Please cancel it, I ordered it by mistake");
  const confirm = chat.getByRole("group", { name: "Confirm the change" });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Yes" }).click();
  await expect(log).toContainText(`order ${ORDER} is now cancelled`);
  await expect(confirm).toBeHidden();

  // An answer that cites the knowledge base shows its source.
  await say(chat, "What is your return policy?");
  await expect(log).toContainText("How long do I have to return an item?");
  await expect(chat.getByText("Sources").last()).toBeVisible();

  // The customer asks for a person and sees the queue and the wait.
  await chat.getByRole("button", { name: "Talk to a person" }).click();
  await expect(chat.getByText("You're in the queue")).toBeVisible();
  await expect(chat.getByText(/Estimated wait: about \d+ min/)).toBeVisible();

  // The conversation arrives in the agent's queue with no reload; the agent takes it.
  const take = queue.getByRole("button", { name: /^Take (?!next)/ });
  await expect(take).toHaveCount(1);
  await take.click();
  const history = agent.getByRole("log", { name: "Conversation history" });
  await expect(history).toContainText(`order ${ORDER} is now cancelled`);
  await expect(agent.getByRole("heading", { name: "Customer" })).toBeVisible();
  await expect(agent.getByText(ORDER).first()).toBeVisible();

  // The agent's name reaches the customer, then the agent's reply.
  await expect(chat.getByText(`${AGENT_NAME} has joined the conversation`)).toBeVisible();
  const words = "Hi, I'm Maya. The refund is on its way to your card.";
  await agent.getByLabel("Reply").fill(words);
  await agent.getByRole("button", { name: "Send reply" }).click();
  await expect(log).toContainText(words);
  await expect(history).toContainText(words);
  expect(await seriousViolations(agent)).toEqual([]); // with a conversation, chart and customer open
  const consoleShot = screenshotPath("console");
  if (consoleShot) {
    await agent.evaluate(() => window.scrollTo(0, 0));
    await agent.screenshot({ path: consoleShot });
  }

  // The customer rates the agent's answer.
  const answer = log.getByRole("listitem").filter({ hasText: words });
  await answer.getByRole("button", { name: "Helpful", exact: true }).click();
  await answer.getByRole("radio", { name: "5 stars" }).check({ force: true });
  await expect(answer.getByText("Thanks for your feedback")).toBeVisible();
  expect(await seriousViolations(store)).toEqual([]); // answers, sources, feedback, the handoff

  // The agent resolves it; the customer sees the end.
  await agent.getByRole("button", { name: "Resolve", exact: true }).click();
  await agent.getByRole("button", { name: "Yes, resolve" }).click();
  await expect(chat.getByText("This conversation is resolved")).toBeVisible();
  await expect(chat.getByLabel("Message")).toBeDisabled();
  const widgetShot = screenshotPath("widget");
  if (widgetShot) await store.screenshot({ path: widgetShot });

  // The admin's chart for today shows the conversation.
  const admin = await staffSignIn(browser, "ADMIN", "admin_root");
  await expect(admin).toHaveURL(/\/admin\/analytics$/);
  const today = new Date().toISOString().slice(0, 10);
  const table = admin.getByRole("table", { name: "Daily figures" });
  const row = table.getByRole("row").filter({ hasText: today });
  await expect(row).toHaveCount(1);
  const cells = row.getByRole("cell");
  await expect(cells.nth(1)).toHaveText("1"); // conversations opened today
  await expect(cells.nth(3)).toHaveText("100%"); // escalated
  await expect(admin.getByText(`Conversations: latest 1 on ${today}`, { exact: false })).toBeVisible();
  await expect(admin.getByRole("heading", { name: "Conversations per day" })).toBeVisible();
  expect([...agentErrors, ...storeErrors]).toEqual([]); // nothing blocked, nothing thrown
  const adminShot = screenshotPath("admin");
  if (adminShot) await admin.screenshot({ path: adminShot, fullPage: true });
});
