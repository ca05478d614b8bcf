import { z } from "@hono/zod-openapi";
import { OPEN_TICKET_STATUSES, TICKET_PRIORITIES, TICKET_STATUSES } from "../../../schema";
import { listTickets } from "../../support";
import { assistantTool, type ToolScope } from "./assistant-tool-kit";

/**
 * The support desk at a glance. Every count is a page of the ticket list
 * the user would get over REST (same visibility rule, merged tickets left
 * out as there), so the numbers match what their ticket board shows.
 */

type TicketFilter = { status?: string[]; priority?: string[]; sla?: "breached" | "breaching_soon" };

const countTickets = async (s: ToolScope, filter: TicketFilter) =>
  (await listTickets(s.db, s.orgId, s.actor, { page: 1, perPage: 1, sort: "-updatedAt", ...filter })).total;

export const ticketSummaryTool = assistantTool({
  name: "ticket_summary",
  description: "Support tickets the user may see: counts by status, open tickets by priority, and open tickets whose SLA is breached or breaching within the hour.",
  input: z.object({}).strict(),
  permission: "tickets:read",
  async run(s) {
    const open = [...OPEN_TICKET_STATUSES];
    const [byStatus, openByPriority, breached, breachingSoon] = await Promise.all([
      Promise.all(TICKET_STATUSES.map(async (status) => [status, await countTickets(s, { status: [status] })] as const)),
      Promise.all(TICKET_PRIORITIES.map(async (priority) => [priority, await countTickets(s, { status: open, priority: [priority] })] as const)),
      countTickets(s, { status: open, sla: "breached" }),
      countTickets(s, { status: open, sla: "breaching_soon" }),
    ]);
    return {
      data: {
        byStatus: Object.fromEntries(byStatus),
        openByPriority: Object.fromEntries(openByPriority),
        openSla: { breached, breachingSoon },
      },
    };
  },
});
