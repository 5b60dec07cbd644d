// Render under the app's providers, as the pages run.
import { MantineProvider } from "@mantine/core";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { resolver, theme } from "../src/shared/theme";

export function renderWithTheme(ui: ReactElement) {
  return render(
    <MantineProvider theme={theme} cssVariablesResolver={resolver}>
      {ui}
    </MantineProvider>,
  );
}
