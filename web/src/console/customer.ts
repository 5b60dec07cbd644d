// The customer's store records (τ-bench shapes) in words.

import type { CustomerOrder } from "../shared/types";

const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function formatMoney(amount: number): string {
  return money.format(amount);
}

function words(value: string): string {
  return value.replace(/_/g, " ");
}

/** "credit card ending 1234" when the record has last_four, else its source ("paypal"). */
export function paymentLabel(method: { source: string; [key: string]: unknown }): string {
  const lastFour = typeof method.last_four === "string" ? method.last_four : null;
  return lastFour ? `${words(method.source)} ending ${lastFour}` : words(method.source);
}

/** The address as lines: street, suite, "City, ST 12345", country. */
export function addressLines(address: Record<string, string>): string[] {
  const cityLine = [address.city, [address.state, address.zip].filter(Boolean).join(" ")]
    .filter(Boolean)
    .join(", ");
  return [address.address1, address.address2, cityLine, address.country].filter(
    (line): line is string => Boolean(line && line.trim()),
  );
}

/** "Water Bottle (1000ml, glass, blue)". */
export function itemLabel(item: CustomerOrder["items"][number]): string {
  const options = Object.values(item.options ?? {});
  return options.length ? `${item.name} (${options.join(", ")})` : item.name;
}

interface Transaction {
  transaction_type?: unknown;
  amount?: unknown;
}

export interface OrderTotals {
  items: number;
  paid: number;
  refunded: number;
}

/** The items' total, and what the payment history says was paid and refunded. */
export function orderTotals(order: CustomerOrder): OrderTotals {
  const history = Array.isArray(order.payment_history)
    ? (order.payment_history as Transaction[])
    : [];
  const sum = (type: string) =>
    history
      .filter((t) => t.transaction_type === type && typeof t.amount === "number")
      .reduce((total, t) => total + (t.amount as number), 0);
  return {
    items: order.items.reduce((total, item) => total + item.price, 0),
    paid: sum("payment"),
    refunded: sum("refund"),
  };
}

export function statusWords(status: string): string {
  return words(status);
}
