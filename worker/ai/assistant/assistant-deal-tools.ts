import { z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { deals } from "../../../schema";
import { visibleTo } from "../../platform/access";
import { localDateOf } from "../../platform/local-time";
import { listDeals, listPipelines } from "../../crm";
import { invalid } from "../../platform/errors";
import { cited, memberNames } from "./assistant-record-views";
import { assistantTool } from "./assistant-tool-kit";

/** The assistant's tools over deals: a filtered list and the pipeline's totals. */

export const CLOSING_WINDOWS = ["this_month", "next_month", "this_quarter", "overdue"] as const;
export type ClosingWindow = (typeof CLOSING_WINDOWS)[number];

const dateOf = (year: number, month: number) => {
  // Months past December roll into the next year (Date.UTC normalises them).
  const d = new Date(Date.UTC(year, month - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}-01`;
};

/**
 * Close dates ("YYYY-MM-DD") from `from` inclusive to `to` exclusive for a
 * window, by the calendar of the organization's time zone: "this month" for
 * a team in Auckland starts when their month does, not the server's.
 */
export function closingWindow(window: ClosingWindow, now: number, timeZone: string): { from?: string; to: string } {
  const today = localDateOf(now, timeZone);
  const [year, month] = today.split("-").map(Number) as [number, number];
  if (window === "overdue") return { to: today };
  if (window === "this_month") return { from: dateOf(year, month), to: dateOf(year, month + 1) };
  if (window === "next_month") return { from: dateOf(year, month + 1), to: dateOf(year, month + 2) };
  const first = month - ((month - 1) % 3);
  return { from: dateOf(year, first), to: dateOf(year, first + 3) };
}

export const listDealsTool = assistantTool({
  name: "list_deals",
  description:
    "List deals, filtered by owner, close date window (in the organization's time zone), status and stage. " +
    "\"overdue\" means open deals whose close date has passed.",
  input: z
    .object({
      owner: z.enum(["me", "anyone"]).optional().describe("\"me\": only the user's own deals; default anyone the user may see"),
      closing: z.enum(CLOSING_WINDOWS).optional(),
      status: z.enum(["open", "won", "lost"]).optional(),
      stageName: z.string().trim().min(1).max(100).optional().describe("A stage's name, e.g. Proposal"),
      limit: z.number().int().min(1).max(25).optional().describe("At most this many; 10 when left out"),
    })
    .strict(),
  permission: "records:read",
  async run(s, input) {
    const window = input.closing ? closingWindow(input.closing, Date.now(), s.timeZone) : null;
    const status = input.closing === "overdue" ? "open" : input.status;
    const pipelines = await listPipelines(s.db, s.orgId);
    const stageNames = new Map(pipelines.flatMap((p) => p.stages.map((st) => [st.id, st.name] as const)));
    const stageIds = input.stageName
      ? [...stageNames].filter(([, name]) => name.toLowerCase() === input.stageName!.toLowerCase()).map(([id]) => id)
      : [undefined];
    if (!stageIds.length) throw invalid({ stageName: [`No such stage; the stages are ${[...new Set(stageNames.values())].join(", ")}`] });
    const limit = input.limit ?? 10;
    const pages = await Promise.all(
      stageIds.map((stageId) =>
        listDeals(s.db, s.actor, {
          page: 1,
          perPage: limit,
          sort: window ? "closeDate" : "-updatedAt",
          status,
          stageId,
          ownerId: input.owner === "me" ? s.actor.userId : undefined,
          closeFrom: window?.from,
          closeTo: window?.to,
        }),
      ),
    );
    const rows = pages.flatMap((p) => p.rows).slice(0, limit);
    const names = await memberNames(s.db, s.orgId, rows.map((r) => r.ownerId));
    return {
      data: {
        total: pages.reduce((n, p) => n + p.total, 0),
        ...(window ? { closeDates: { from: window.from ?? null, before: window.to, timeZone: s.timeZone } } : {}),
        deals: rows.map((d) => ({
          ...cited("deal", d.id, d.title),
          amount: d.amount,
          currency: d.currency,
          stage: stageNames.get(d.stageId) ?? null,
          status: d.status,
          closeDate: d.closeDate,
          owner: d.ownerId ? (names.get(d.ownerId) ?? null) : null,
          company: d.companyName,
          contact: d.contactName,
        })),
      },
    };
  },
});

type Totals = { count: number; amount: Record<string, number> };
const add = (t: Totals, count: number, currency: string, amount: number) => {
  t.count += count;
  t.amount[currency] = (t.amount[currency] ?? 0) + amount;
};
const empty = (): Totals => ({ count: 0, amount: {} });

export const pipelineSummaryTool = assistantTool({
  name: "pipeline_summary",
  description: "Deals the user may see, counted and summed (per currency): open deals by pipeline and stage, and totals of open, won and lost.",
  input: z.object({}).strict(),
  permission: "records:read",
  async run(s) {
    const [pipelines, groups] = await Promise.all([
      listPipelines(s.db, s.orgId),
      s.db
        .select({
          stageId: deals.stageId,
          status: deals.status,
          currency: deals.currency,
          count: sql<number>`count(*)`,
          amount: sql<number>`coalesce(sum(${deals.amount}), 0)`,
        })
        .from(deals)
        .where(and(eq(deals.orgId, s.orgId), visibleTo(s.actor, deals.ownerId)))
        .groupBy(deals.stageId, deals.status, deals.currency),
    ]);
    const byStatus = { open: empty(), won: empty(), lost: empty() };
    const openByStage = new Map<string, Totals>();
    for (const g of groups) {
      add(byStatus[g.status], g.count, g.currency, g.amount);
      if (g.status !== "open") continue;
      const stage = openByStage.get(g.stageId) ?? empty();
      add(stage, g.count, g.currency, g.amount);
      openByStage.set(g.stageId, stage);
    }
    return {
      data: {
        byStatus,
        pipelines: pipelines.map((p) => ({
          name: p.name,
          stages: p.stages.map((st) => ({ name: st.name, probability: st.probability, open: openByStage.get(st.id) ?? empty() })),
        })),
      },
    };
  },
});
