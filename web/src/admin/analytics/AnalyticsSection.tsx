// Analytics: pick UTC days, read the performance and feedback reports for them.

import { Button, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { useState } from "react";
import type { Api } from "../../shared/api";
import { defaultRange, rangeProblem, type DayRange } from "../dates";
import { ErrorNotice, Loading } from "../Feedback";
import { useResource } from "../useResource";
import { DailyCharts } from "./DailyCharts";
import { DailyTable } from "./DailyTable";
import { loadReports, type Reports } from "./reports";
import { SummaryCards } from "./SummaryCards";

function statusLine(loading: boolean, data: Reports | null): string {
  if (!data) return "";
  if (loading) return "Updating the reports…";
  return `Showing ${data.performance.start_date} to ${data.performance.end_date} (UTC).`;
}

export function AnalyticsSection({ api }: { api: Api }) {
  const [range, setRange] = useState<DayRange>(() => defaultRange());
  const problem = rangeProblem(range);
  const key = problem ? null : `${range.from}/${range.to}`;
  const reports = useResource(key, () => loadReports(api, range));
  const fieldError = (field: keyof DayRange) =>
    problem?.field === field ? problem.message : undefined;

  return (
    <Stack gap="lg">
      <Title order={2}>Analytics</Title>
      <Group align="flex-start" wrap="wrap">
        <TextInput
          type="date"
          label="From"
          value={range.from}
          onChange={(e) => setRange({ ...range, from: e.currentTarget.value })}
          error={fieldError("from")}
        />
        <TextInput
          type="date"
          label="To"
          value={range.to}
          onChange={(e) => setRange({ ...range, to: e.currentTarget.value })}
          error={fieldError("to")}
        />
        <Button
          mt={25}
          variant="default"
          leftSection={<IconRefresh size={16} aria-hidden="true" />}
          onClick={reports.reload}
          disabled={problem !== null}
        >
          Refresh
        </Button>
      </Group>
      <Text role="status" size="sm">
        {statusLine(reports.loading, reports.data)}
      </Text>
      {reports.error !== null && (
        <ErrorNotice title="The reports could not be loaded" error={reports.error} />
      )}
      {reports.data === null && reports.loading && <Loading label="Loading analytics…" />}
      {reports.data && (
        <>
          <section aria-labelledby="analytics-summary">
            <Title order={3} id="analytics-summary" mb="sm">
              Summary
            </Title>
            <SummaryCards reports={reports.data} />
          </section>
          <DailyCharts daily={reports.data.performance.daily} />
          <DailyTable daily={reports.data.performance.daily} />
        </>
      )}
    </Stack>
  );
}
