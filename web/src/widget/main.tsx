import "@mantine/core/styles.css";
import { MantineProvider } from "@mantine/core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Session } from "../shared/session";
import { resolver, theme } from "../shared/theme";
import { SESSION_KEY } from "./chatApi";
import { connectHost } from "./host";
import { WidgetApp } from "./WidgetApp";

// Listen to the host page before the first render, so its token is never missed.
const host = connectHost();
const session = new Session(SESSION_KEY);

const root = document.getElementById("root");
if (!root) throw new Error("widget.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={resolver} defaultColorScheme="light">
      <WidgetApp session={session} host={host} />
    </MantineProvider>
  </StrictMode>,
);
