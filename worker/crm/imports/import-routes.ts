import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../../platform/errors";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { CSV_RESOURCES, IMPORT_FIELDS } from "./csv-fields";
import { MAX_IMPORT_BYTES, runImport, type ImportProgress } from "./csv-import";
import { actorOf } from "../../platform/records";
import { publishEvent } from "../../platform/room-rpc";
import type { Env } from "../../platform/env";

/**
 * The JSON body of an import: up to 5 MB of CSV, which JSON escaping can
 * roughly double. The app-wide 1 MiB limit skips this path (see app.ts).
 */
export const MAX_IMPORT_BODY = 12 * 1024 * 1024;

const importBodyLimit = bodyLimit({
  maxSize: MAX_IMPORT_BODY,
  onError: () => {
    throw new AppError("payload_too_large", `Request body exceeds ${MAX_IMPORT_BODY} bytes`);
  },
});

const fieldList = CSV_RESOURCES.map((r) => `${r}: ${Object.keys(IMPORT_FIELDS[r]).join(", ")}`).join("; ");

const ImportBody = z
  .object({
    resource: z.enum(CSV_RESOURCES),
    csv: z.string().min(1).openapi({ description: "The CSV text, header row first, at most 5 MB (UTF-8)" }),
    mapping: z
      .record(z.string().max(200), z.string().max(40).nullable())
      .optional()
      .openapi({
        description: `CSV column → field (null ignores the column); other columns are matched by header name, Salesforce's included. Fields: ${fieldList}`,
        example: { "E-mail": "email", Notes: null },
      }),
    dedupe: z.enum(["skip", "update"]).default("skip").openapi({
      description: "What a row matching an existing record (contacts and leads by email, companies by domain) does",
    }),
    dryRun: z.boolean().default(false),
    ownerId: z.uuid().optional().openapi({ description: "Owner of the created records; you by default" }),
    progressId: z.uuid().optional().openapi({
      description:
        "An id you choose: while the import runs, the organization room sends you (only you) `import_progress` " +
        "events `{progressId, phase, processed, total}`, phase being validating, matching, writing, then done or failed",
    }),
  })
  .strict();

const ImportReportSchema = z
  .object({
    resource: z.enum(CSV_RESOURCES),
    dryRun: z.boolean(),
    committed: z.boolean().openapi({ description: "False for a dry run or when any row has an error: then nothing was written" }),
    importId: z.string().nullable(),
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    companiesCreated: z.number().int(),
    errors: z.array(z.object({ row: z.number().int(), field: z.string(), message: z.string() })).openapi({
      description: "Up to 1,000; `row` is the spreadsheet row (the header is row 1)",
    }),
    errorCount: z.number().int(),
    mapping: z.record(z.string(), z.string()),
    ignoredColumns: z.array(z.string()),
  })
  .openapi("ImportReport");

const importRoute = createRoute({
  method: "post",
  path: "/",
  tags: ["Imports"],
  security: [{ bearerAuth: [] }],
  summary: "Import contacts, companies or leads from CSV, all rows or none",
  description:
    "Rows are validated like the API's own create requests. A file with any bad row imports nothing and answers the " +
    "report with `committed: false`; so does `dryRun: true`. Within the file, the first row of a duplicate email " +
    "(or domain) wins and later ones are skipped. A contact's company (Account Name) links to the company of that " +
    "name, created if missing.",
  middleware: [requirePermission("records:write"), importBodyLimit] as const,
  request: jsonBody(ImportBody),
  responses: {
    200: jsonResponse(envelope(ImportReportSchema), "The import report"),
    ...standardErrors,
    413: jsonResponse(z.any(), `More than ${MAX_IMPORT_BYTES} bytes of CSV`),
  },
});

type ProgressEvent = { phase: ImportProgress["phase"] | "failed"; processed: number; total: number; committed?: boolean };

/** Progress goes to the importing user only; a report that cannot be delivered never fails the import. */
function progressReporter(env: Env, orgId: string, userId: string, progressId: string | undefined) {
  return async (p: ProgressEvent) => {
    if (!progressId) return;
    try {
      await publishEvent(env, orgId, "import_progress", { progressId, ...p }, [userId]);
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", msg: "import progress not delivered", orgId, err: String(err) }));
    }
  };
}

export const importRoutes = createRouter().openapi(importRoute, async (c) => {
  const { orgId, userId } = c.get("auth");
  const actor = actorOf(c.get("auth"), c.get("requestId"));
  const input = c.req.valid("json");
  const report = progressReporter(c.env, orgId, userId, input.progressId);
  try {
    const result = await runImport(c.env, orgId, actor, input, report);
    await report({ phase: "done", processed: result.rows, total: result.rows, committed: result.committed });
    return ok(c, result, { status: 200 });
  } catch (err) {
    await report({ phase: "failed", processed: 0, total: 0 });
    throw err;
  }
});
