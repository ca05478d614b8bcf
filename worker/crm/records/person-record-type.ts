import { z } from "@hono/zod-openapi";
import { textOrNull, trimmed, trimmedOrEmpty } from "./record-field-rules";
import type { FieldRule } from "./record-type-spec";

/**
 * What contacts and leads share by both being people: a lead becomes a
 * contact on conversion, so their person fields must answer, normalize and
 * start out the same way.
 */

/** A person's fields as a record answers them. */
export const personSchemaFields = {
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  title: z.string().nullable(),
};

/** How a person's fields become columns, in the order their changes are audited. */
export const personRules = {
  firstName: trimmed,
  lastName: trimmedOrEmpty,
  email: textOrNull,
  title: textOrNull,
} satisfies Record<string, FieldRule>;

/** A new person's columns before the input fills them in. */
export const blankPerson = { firstName: "", lastName: "", email: null, phone: null, title: null };
