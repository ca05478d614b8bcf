import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./env";
import type { ListMeta, SuccessEnvelope } from "../../schema/envelope";
import { AppError } from "./errors";

/** `{ "field.path": ["message", ...] }` from a zod error, for `error.details`. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** A router for one resource; validation failures become `validation_error`. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError("validation_error", "Invalid input", fieldErrors(result.error));
      }
    },
  });
}


/**
 * The success envelope. Its body type is left open on purpose: the route's
 * declared response schema documents the shape, and tests hold it to it.
 */
export function ok<T>(
  c: Context<AppEnv>,
  data: T,
  opts: { status?: ContentfulStatusCode; meta?: ListMeta; message?: string } = {},
): Response & TypedResponse<any, any, "json"> {
  const body: SuccessEnvelope<T> = { success: true, data };
  if (opts.meta) body.meta = opts.meta;
  if (opts.message) body.message = opts.message;
  return c.json(body, opts.status ?? 200) as Response & TypedResponse<never, never, "json">;
}

// ---- schemas shared by every route's OpenAPI description ----

export const ErrorSchema = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.string().openapi({ example: "validation_error" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

export const MetaSchema = z
  .object({ page: z.number().int(), per_page: z.number().int(), total: z.number().int() })
  .openapi("ListMeta");

export const envelope = <T extends z.ZodTypeAny>(data: T) =>
  z.object({ success: z.literal(true), data, message: z.string().optional() });

export const listEnvelope = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ success: z.literal(true), data: z.array(item), meta: MetaSchema });

export const jsonBody = <T extends z.ZodTypeAny>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

export const jsonResponse = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

const errorResponse = (description: string) => jsonResponse(ErrorSchema, description);

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const standardErrors = {
  400: errorResponse("Invalid input (`validation_error`)"),
  401: errorResponse("Missing or invalid access token"),
  403: errorResponse("Your role does not allow this"),
  404: errorResponse("Not found, or belongs to another organization"),
} as const;

export const PER_PAGE_MAX = 100;

export const paginationQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(PER_PAGE_MAX).default(25),
};

export const IdParam = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }),
});

export const metaOf = (page: number, perPage: number, total: number): ListMeta => ({
  page,
  per_page: perPage,
  total,
});
