// The customer's orders as the store holds them, read only.

import { Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { CustomerOrder } from "../shared/types";
import classes from "./console.module.css";
import { formatMoney, itemLabel, orderTotals, statusWords } from "./customer";

function Order({ order }: { order: CustomerOrder }) {
  const totals = orderTotals(order);
  const headingId = `console-order-${order.order_id.replace(/[^A-Za-z0-9_-]/g, "")}`;
  return (
    <Paper withBorder p="sm" component="article" aria-labelledby={headingId}>
      <Stack gap={4}>
        <Group justify="space-between" gap="xs">
          <Title order={4} id={headingId}>
            Order {order.order_id}
          </Title>
          <Badge color="gray.7" c="white" tt="none">
            {statusWords(order.status)}
          </Badge>
        </Group>
        <ul style={{ margin: 0 }} aria-label={`Items in order ${order.order_id}`}>
          {order.items.map((item, index) => (
            <li key={`${item.item_id}-${index}`}>
              {itemLabel(item)} — {formatMoney(item.price)}
            </li>
          ))}
        </ul>
        <Text size="sm" fw={600}>
          Items total: {formatMoney(totals.items)}
        </Text>
        {totals.paid > 0 && <Text size="sm">Paid: {formatMoney(totals.paid)}</Text>}
        {totals.refunded > 0 && <Text size="sm">Refunded: {formatMoney(totals.refunded)}</Text>}
      </Stack>
    </Paper>
  );
}

export function OrderList({ orders }: { orders: CustomerOrder[] }) {
  return (
    <Stack gap="xs">
      <Title order={3}>Orders ({orders.length})</Title>
      {orders.length === 0 ? (
        <Text>No orders.</Text>
      ) : (
        <ul className={classes.list}>
          {orders.map((order) => (
            <li key={order.order_id}>
              <Order order={order} />
            </li>
          ))}
        </ul>
      )}
    </Stack>
  );
}
