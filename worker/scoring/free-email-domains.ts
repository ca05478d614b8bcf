/**
 * Mailbox providers anyone can sign up with. An address there says nothing
 * about an employer, which is what "corporate vs free email" is about. A
 * short list of the common ones: the maintained npm lists are of disposable
 * domains (a different question) and run to tens of thousands of entries.
 */
const FREE_EMAIL_DOMAINS = new Set([
  "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com", "hotmail.com",
  "hotmail.co.uk", "hotmail.fr", "hotmail.de", "outlook.com", "outlook.de", "live.com", "live.co.uk", "msn.com",
  "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.de", "gmx.net",
  "web.de", "mail.com", "mail.ru", "yandex.com", "yandex.ru", "zoho.com", "tutanota.com", "fastmail.com", "hey.com",
  "qq.com", "163.com", "126.com", "naver.com", "orange.fr", "free.fr", "laposte.net", "libero.it", "t-online.de",
  "comcast.net", "verizon.net", "att.net", "btinternet.com", "sky.com", "rediffmail.com", "seznam.cz", "wp.pl", "o2.pl",
]);

export type EmailKind = "corporate" | "free" | "none";

export function emailKindOf(email: string | null | undefined): EmailKind {
  const domain = email?.split("@")[1]?.trim().toLowerCase();
  if (!domain) return "none";
  return FREE_EMAIL_DOMAINS.has(domain) ? "free" : "corporate";
}
