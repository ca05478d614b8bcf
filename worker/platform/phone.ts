import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { invalid } from "./errors";

export const PHONE_MESSAGE = "Not a phone number; use international format, e.g. +14155550132";

/**
 * A phone number as E.164 (`+14155550132`), read with the organization's
 * default country when written without a country code. An extension is kept
 * in RFC 3966 form (`+14155550132;ext=12`) rather than dropped. Empty input is
 * null; `undefined` means the input cannot be a phone number.
 */
export function parsePhone(raw: string | null | undefined, defaultCountry: string | undefined): string | null | undefined {
  const text = raw?.trim();
  if (!text) return null;
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: (defaultCountry || "US") as CountryCode });
  if (!parsed || !parsed.isPossible()) return undefined;
  return parsed.ext ? `${parsed.number};ext=${parsed.ext}` : parsed.number;
}

/** `parsePhone`, answering a `validation_error` naming `field` for a non-number. */
export function normalizePhone(raw: string | null | undefined, defaultCountry: string | undefined, field = "phone") {
  const phone = parsePhone(raw, defaultCountry);
  if (phone === undefined) throw invalid({ [field]: [PHONE_MESSAGE] });
  return phone;
}
