// The admin screens: four sections, one tab each, the tab following the URL /admin/:section.

import { Tabs, Title } from "@mantine/core";
import { IconBook2, IconChartLine, IconRoute, IconUsers } from "@tabler/icons-react";
import { useEffect, type ComponentType } from "react";
import { useNavigate, useParams } from "react-router";
import type { Api } from "../shared/api";
import type { Session } from "../shared/session";
import { AgentsSection } from "./agents/AgentsSection";
import { AnalyticsSection } from "./analytics/AnalyticsSection";
import { KnowledgeSection } from "./knowledge/KnowledgeSection";
import { RulesSection } from "./rules/RulesSection";

interface Section {
  value: string;
  label: string;
  icon: typeof IconChartLine;
  View: ComponentType<{ api: Api }>;
}

const SECTIONS: Section[] = [
  { value: "analytics", label: "Analytics", icon: IconChartLine, View: AnalyticsSection },
  { value: "knowledge", label: "Knowledge base", icon: IconBook2, View: KnowledgeSection },
  { value: "rules", label: "Escalation rules", icon: IconRoute, View: RulesSection },
  { value: "agents", label: "Agents", icon: IconUsers, View: AgentsSection },
];
const DEFAULT_SECTION = "analytics";

export function AdminPage({ session }: { session: Session }) {
  const { section } = useParams();
  const navigate = useNavigate();
  const known = SECTIONS.some((s) => s.value === section);
  const active = known ? (section as string) : DEFAULT_SECTION;

  useEffect(() => {
    if (!known) void navigate(`/admin/${DEFAULT_SECTION}`, { replace: true });
  }, [known, navigate]);

  return (
    <>
      <Title order={1} size="h2" mb="md">
        Admin
      </Title>
      <Tabs
        value={active}
        onChange={(value) => value && void navigate(`/admin/${value}`)}
        keepMounted={false}
      >
        <Tabs.List aria-label="Admin sections" mb="lg">
          {SECTIONS.map(({ value, label, icon: Icon }) => (
            <Tabs.Tab key={value} value={value} leftSection={<Icon size={16} aria-hidden="true" />}>
              {label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {SECTIONS.map(({ value, View }) => (
          <Tabs.Panel key={value} value={value}>
            <View api={session.api} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
