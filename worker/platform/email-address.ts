/** The one spelling of an email address that accounts, invitations and rate-limit keys are looked up by. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
