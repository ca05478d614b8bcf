import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { organizations } from "./organizations";
import { users } from "./users";

/** What an agent can take right now; shared by the call center and the support desk. */
export const AGENT_STATUSES = ["available", "busy", "wrap_up", "away", "offline"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const agentStatuses = sqliteTable(
  "agent_statuses",
  {
    orgId: text("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: AGENT_STATUSES }).notNull(),
    /** Set by the agent, or by the system when a call or ticket changed it. */
    source: text("source", { enum: ["agent", "manager", "system"] }).notNull(),
    changedAt: integer("changed_at").notNull(),
    /** When the agent last became free: "longest idle" routing orders by it. */
    idleSince: integer("idle_since"),
    /** When work was last handed to the agent: round robin starts after the latest. */
    lastAssignedAt: integer("last_assigned_at"),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index("agent_statuses_org_status_idx").on(t.orgId, t.status)],
);
