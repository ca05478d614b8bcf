import { PHONE_MESSAGE } from "../../platform/phone";
import { phoneOf, text } from "../../platform/records";
import type { FieldRule } from "./record-type-spec";

/**
 * The ways a record type's input fields become column values (the `rules` of
 * a RecordTypeSpec). The schemas have already checked shape and length;
 * these normalize, and refuse what only parsing can tell is wrong.
 */

export const trimmed: FieldRule = { value: (input: string) => input.trim() };

/** A last name column is never null, so clearing it stores "". */
export const trimmedOrEmpty: FieldRule = { value: (input: string | null) => input?.trim() ?? "" };

/** Empty text is stored as null, so "no title" has one form. */
export const textOrNull: FieldRule = { value: (input: string | null) => text(input) };

export const asGiven: FieldRule = { value: (input: unknown) => input };

/** Stored as E.164 so calls can be matched to the record whatever way the number was typed. */
export const phoneNumber: FieldRule = {
  value: (input: string | null, { db, orgId }) => phoneOf(db, orgId, input),
  invalid: PHONE_MESSAGE,
};
