import { z } from "@hono/zod-openapi";
import { eq, gte, lte, sql } from "drizzle-orm";
import { activities, deals, leads, LEAD_STATUSES } from "../../../schema";
import { conflict } from "../../platform/errors";
import { asGiven, phoneNumber, textOrNull } from "./record-field-rules";
import { blankPerson, personRules, personSchemaFields } from "./person-record-type";
import { leadFields, recordFields } from "./record-schemas";
import { recordService, type ListQueryOf } from "./record-service";
import { filter, pointer, recordType } from "./record-type-spec";
import { recencyFilters } from "./record-recency-filters";
import { ScoreBound, ScoreFactorSchema, scoreColumns } from "../record-scores";

export type Lead = typeof leads.$inferSelect;

const LeadSchema = z
  .object({
    ...recordFields,
    ...personSchemaFields,
    companyName: z.string().nullable(),
    source: z.string().nullable(),
    status: z.enum(LEAD_STATUSES),
    score: z.number().int().nullable().openapi({ description: "Predictive score 0–100 (the override if any); null until scored" }),
    scoreFactors: z.array(ScoreFactorSchema).nullable().openapi({ description: "The top factors in points; base points + Σ points = the model's score" }),
    scoreModel: z.string().nullable().openapi({ description: "The model version that scored it, e.g. lr-3 or rules-1" }),
    scoreOverridden: z.boolean().openapi({ description: "Whether `score` is a manager's override" }),
    notes: z.string().nullable(),
    convertedAt: z.number().int().nullable(),
    convertedContactId: z.string().nullable(),
    convertedCompanyId: z.string().nullable(),
    convertedDealId: z.string().nullable(),
  })
  .openapi("Lead");

export const leadType = recordType({
  table: leads,
  name: "Lead",
  tag: "Leads",
  entity: "lead",
  csv: "leads",

  fields: leadFields,
  required: "firstName",
  rules: {
    ...personRules,
    companyName: textOrNull,
    source: textOrNull,
    notes: textOrNull,
    phone: phoneNumber,
    status: asGiven,
  },
  links: {},
  blank: {
    ...blankPerson,
    companyName: null,
    source: null,
    status: "new",
    score: null,
    notes: null,
    convertedAt: null,
    convertedContactId: null,
    convertedCompanyId: null,
    convertedDealId: null,
  },
  decorate: (db, orgId, ids) => scoreColumns(db, orgId, "lead", ids),
  beforeUpdate(before, values) {
    if (before.status === "converted" && values.status !== undefined && values.status !== "converted") {
      throw conflict("This lead has been converted; its status no longer changes");
    }
  },

  search: { fts: "leads_fts", columns: [leads.firstName, leads.lastName, leads.email, leads.companyName] },
  sorts: {
    name: [leads.lastName, leads.firstName],
    email: leads.email,
    score: leads.score,
    createdAt: leads.createdAt,
    updatedAt: leads.updatedAt,
  },
  defaultSort: "-createdAt",
  filters: {
    status: filter(z.enum(LEAD_STATUSES).optional(), (status) => eq(leads.status, status)),
    // A source is free text, so "Web" and "web" are one source.
    source: filter(z.string().trim().min(1).max(100).optional(), (source) => sql`lower(${leads.source}) = ${source.toLowerCase()}`),
    minScore: filter(ScoreBound, (min) => gte(leads.score, min)),
    maxScore: filter(ScoreBound, (max) => lte(leads.score, max)),
    ...recencyFilters(leads, activities.leadId),
  },

  audited: { create: ["firstName", "lastName", "email", "status"], remove: ["firstName", "lastName", "email"] },
  dealColumn: deals.leadId,
  unlinkOnDelete: [pointer(activities, "leadId")],
  deleteConflict: "Deals are linked to this lead; it stays as their origin",

  schema: LeadSchema,
  detailSchema: LeadSchema,
  listSchema: LeadSchema,
  summaries: {
    list: "Leads, filtered, sorted and paginated (newest first by default)",
    create: "Create a lead",
    get: "One lead",
    update: "Change some fields of a lead (null clears an optional field; status never becomes converted here)",
    remove: "Delete a lead; its activities stay, unlinked",
  },
  conflicts: {
    update: "The lead is converted; its status is final",
    remove: "Deals are linked to the lead",
  },
});

export const leadService = recordService(leadType);
export const listLeads = leadService.list;
export const getLead = leadService.get;
export type LeadQuery = ListQueryOf<typeof leadService>;
