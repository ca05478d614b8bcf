import { z } from "@hono/zod-openapi";
import { listActivities, searchRecords } from "../../crm";
import { listTickets } from "../../support";
import { listCalls } from "../../telephony";
import {
  ACTIVITY_TARGETS,
  ASSISTANT_RECORD_TYPES,
  datedCallTitle,
  cited,
  clip,
  localStamp,
  mayRead,
  memberNames,
  recordView,
  ticketTitle,
  type AssistantRecordType,
} from "./assistant-record-views";
import { assistantTool, RecordId } from "./assistant-tool-kit";

/** The assistant's tools that find and read single records, and a record's timeline. */

const CRM_SEARCH_TYPES = { deal: "deals", contact: "contacts", company: "companies", lead: "leads" } as const;
const SEARCH_LIMIT = 8;
/** Calls have no text of their own to match but their numbers, so only a query with digits looks there. */
const PHONE_DIGITS = /\d{3,}/;

export const searchRecordsTool = assistantTool({
  name: "search_records",
  description:
    "Find records by words in their names and details (deals, contacts, companies, leads, tickets) or by phone number (calls). " +
    "Returns the best matches with their ids; use get_record for details.",
  input: z
    .object({
      query: z.string().trim().min(1).max(200).describe("Words or a phone number"),
      types: z.array(z.enum(ASSISTANT_RECORD_TYPES)).max(6).optional().describe("Only these kinds of records; all when left out"),
    })
    .strict(),
  permission: "records:read",
  async run(s, { query, types }) {
    const wanted = new Set<AssistantRecordType>(types?.length ? types : ASSISTANT_RECORD_TYPES);
    const skipped = [...wanted].filter((t) => !mayRead(s.actor, t)).map((t) => `${t}: your role may not read these`);
    const crm = (Object.keys(CRM_SEARCH_TYPES) as (keyof typeof CRM_SEARCH_TYPES)[]).filter((t) => wanted.has(t));
    const [hits, tickets, calls] = await Promise.all([
      crm.length ? searchRecords(s.db, s.orgId, s.actor, { q: query, types: crm.map((t) => CRM_SEARCH_TYPES[t]), limit: SEARCH_LIMIT }) : [],
      wanted.has("ticket") && mayRead(s.actor, "ticket")
        ? listTickets(s.db, s.orgId, s.actor, { q: query, sort: "relevance", page: 1, perPage: 5 }).then((r) => r.rows)
        : [],
      wanted.has("call") && mayRead(s.actor, "call") && PHONE_DIGITS.test(query)
        ? listCalls(s.db, s.orgId, s.actor, { q: query, sort: "-startedAt", page: 1, perPage: 5 }).then((r) => r.rows)
        : [],
    ]);
    const singular = { deals: "deal", contacts: "contact", companies: "company", leads: "lead" } as const;
    const results = [
      ...hits.map((h) => ({ type: singular[h.type], ...cited(singular[h.type], h.id, h.title), subtitle: h.subtitle })),
      ...tickets.map((t) => ({ type: "ticket", ...cited("ticket", t.id, ticketTitle(t)), subtitle: `${t.status}, ${t.priority}` })),
      ...calls.map((c) => ({ type: "call", ...cited("call", c.id, datedCallTitle(c, s.timeZone)), subtitle: c.status })),
    ];
    return { data: { results, ...(skipped.length ? { skipped } : {}) } };
  },
});

export const getRecordTool = assistantTool({
  name: "get_record",
  description: "Read one deal, contact, company, lead, ticket or call by id: its key fields and linked records.",
  input: z.object({ type: z.enum(ASSISTANT_RECORD_TYPES), id: RecordId }).strict(),
  async run(s, { type, id }) {
    return { data: await recordView(s, type, id) };
  },
});

const ACTIVITY_LINK = { deal: "dealId", contact: "contactId", company: "companyId", lead: "leadId" } as const;

export const listActivitiesTool = assistantTool({
  name: "list_activities",
  description: "The latest activities (notes, tasks, calls, emails, meetings) on a deal, contact, company or lead, newest first.",
  input: z
    .object({
      recordType: z.enum(ACTIVITY_TARGETS),
      recordId: RecordId,
      limit: z.number().int().min(1).max(20).optional().describe("At most this many; 10 when left out"),
    })
    .strict(),
  permission: "records:read",
  async run(s, { recordType, recordId, limit }) {
    const record = await recordView(s, recordType, recordId);
    const { rows, total } = await listActivities(s.db, s.orgId, s.actor, {
      page: 1,
      perPage: limit ?? 10,
      sort: "-createdAt",
      [ACTIVITY_LINK[recordType]]: recordId,
    });
    const names = await memberNames(s.db, s.orgId, rows.map((r) => r.ownerId));
    const activities = rows.map((a) => ({
      ...cited("activity", a.id, a.subject),
      type: a.type,
      body: clip(a.body, 600),
      dueAt: localStamp(a.dueAt, s.timeZone),
      done: a.doneAt !== null,
      createdAt: localStamp(a.createdAt, s.timeZone),
      owner: a.ownerId ? (names.get(a.ownerId) ?? null) : null,
    }));
    return { data: { record: { id: record.id, title: record.title, cite: record.cite }, total, activities } };
  },
});

