// One Mantine theme for every screen. The primary and dimmed shades are picked for WCAG AA
// contrast (4.5:1) on white: Mantine's default blue[6] and dimmed gray[6] fall short of it.

import { createTheme, type CSSVariablesResolver } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "indigo",
  primaryShade: { light: 8, dark: 8 },
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  defaultRadius: "md",
  focusRing: "auto",
});

export const resolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": t.colors.gray[7] ?? "#495057",
    "--mantine-color-placeholder": t.colors.gray[7] ?? "#495057",
  },
  dark: {},
});
