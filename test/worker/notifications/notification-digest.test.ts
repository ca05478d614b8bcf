import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../../schema";
import { notify } from "../../../worker/notifications/notification-inbox";
import { digestDueOn, runDigests } from "../../../worker/notifications/notification-digest";
import type { NotificationEmailJob } from "../../../worker/notifications/notification-email";
import { localDateOf, localToInstant } from "../../../worker/platform/local-time";
import { addMember, api, registerAccount, type Account } from "../../helpers";
import { testDb } from "../../record-helpers";
import { mailEnv } from "./notification-mail-fixture";

/** A wall-clock time in a zone on the zone's local date a few days from the real now, so no test depends on today. */
function localInstant(timeZone: string, daysAhead: number, hour: number, minute = 0) {
  const [year, month, day] = localDateOf(Date.now() + daysAhead * 86400_000, timeZone).split("-").map(Number) as [number, number, number];
  return localToInstant(year, month, day, hour * 60 + minute, timeZone);
}

async function enableDigest(who: Account, hour: number, timeZone: string) {
  const res = await api("/api/notifications/preferences", { method: "PUT", token: who.token, body: { digest: { enabled: true, hour, timeZone } } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** Notifications made now, dated as if they came an hour before `at`. */
async function unreadBefore(who: Account, at: number, items: { type: string; title: string; link?: string }[]) {
  for (const item of items) {
    const n = await notify(env, who.orgId, who.userId, item);
    await testDb().update(schema.notifications).set({ createdAt: at - 3600_000 }).where(eq(schema.notifications.id, n!.id));
  }
}

const lastSentOn = async (who: Account) =>
  (await testDb().select().from(schema.notificationDigests).where(and(eq(schema.notificationDigests.orgId, who.orgId), eq(schema.notificationDigests.userId, who.userId))).get())?.lastSentOn;

const jobsFor = (jobs: NotificationEmailJob[], who: Account) => jobs.filter((j) => j.userId === who.userId);

describe("daily digest", () => {
  it("is due once the member's local hour is reached, once per local day", () => {
    const row = { enabled: true, hour: 9, timeZone: "Asia/Tokyo", lastSentOn: null };
    const nine = localInstant("Asia/Tokyo", 3, 9, 0);
    expect(digestDueOn(row, nine - 60_000)).toBeNull();
    const today = localDateOf(nine, "Asia/Tokyo");
    expect(digestDueOn(row, nine)).toBe(today);
    expect(digestDueOn({ ...row, lastSentOn: today }, nine + 3600_000)).toBeNull();
    expect(digestDueOn({ ...row, enabled: false }, nine)).toBeNull();
  });

  it("sends at each member's own local hour in two time zones, grouped by category with links", async () => {
    const owner = await registerAccount("dg");
    const tokyo = owner;
    const newYork = await addMember(owner, "agent", "ny");
    await enableDigest(tokyo, 9, "Asia/Tokyo");
    await enableDigest(newYork, 21, "America/New_York");
    const tokyoNine = localInstant("Asia/Tokyo", 3, 9, 5);
    await unreadBefore(tokyo, tokyoNine, [
      { type: "ticket_assigned", title: "Ticket 1 is yours", link: "/support/tickets/1" },
      { type: "sla_breached", title: "Ticket 2 breached", link: "/support/tickets/2" },
      { type: "ticket_assigned", title: "Ticket 3 is yours", link: "/support/tickets/3" },
    ]);
    const mail = mailEnv();

    await runDigests(mail.env, tokyoNine);
    expect(jobsFor(mail.jobs, tokyo)).toHaveLength(1);
    expect(jobsFor(mail.jobs, newYork)).toHaveLength(0);
    const text = jobsFor(mail.jobs, tokyo)[0]!.text;
    expect(text).toContain("Assignments (2)");
    expect(text).toContain("SLA breaches (1)");
    expect(text).toContain("- Ticket 1 is yours /support/tickets/1");
    expect(text.indexOf("Assignments")).toBeLessThan(text.indexOf("SLA breaches"));
    expect(await lastSentOn(tokyo)).toBe(localDateOf(tokyoNine, "Asia/Tokyo"));
    expect(await lastSentOn(newYork)).toBeNull();

    const newYorkNine = localInstant("America/New_York", 3, 21, 5);
    await unreadBefore(newYork, newYorkNine, [{ type: "invoice_paid", title: "Invoice 9 paid", link: "/financial/invoices/9" }]);
    await runDigests(mail.env, newYorkNine);
    expect(jobsFor(mail.jobs, newYork)).toHaveLength(1);
    expect(jobsFor(mail.jobs, newYork)[0]!.text).toContain("Billing (1)");
    expect(await lastSentOn(newYork)).toBe(localDateOf(newYorkNine, "America/New_York"));
  });

  it("sends one digest when two ticks run at once", async () => {
    const owner = await registerAccount("dg");
    await enableDigest(owner, 6, "Europe/Berlin");
    const at = localInstant("Europe/Berlin", 4, 6, 30);
    await unreadBefore(owner, at, [{ type: "sla_breached", title: "Late" }]);
    const mail = mailEnv();
    await Promise.all([runDigests(mail.env, at), runDigests(mail.env, at), runDigests(mail.env, at + 60_000)]);
    expect(jobsFor(mail.jobs, owner)).toHaveLength(1);
  });

  it("marks the day without mailing when nothing is unread, and leaves read notifications out", async () => {
    const owner = await registerAccount("dg");
    await enableDigest(owner, 10, "UTC");
    const at = localInstant("UTC", 2, 10, 1);
    await unreadBefore(owner, at, [{ type: "sla_breached", title: "Already read" }]);
    await api("/api/notifications/read-all", { method: "POST", token: owner.token });
    const mail = mailEnv();
    await runDigests(mail.env, at);
    expect(jobsFor(mail.jobs, owner)).toHaveLength(0);
    expect(await lastSentOn(owner)).toBe(localDateOf(at, "UTC"));
  });

  it("does nothing, and marks no day, while mail is not configured", async () => {
    const owner = await registerAccount("dg");
    await enableDigest(owner, 10, "UTC");
    const at = localInstant("UTC", 2, 10, 1);
    await unreadBefore(owner, at, [{ type: "sla_breached", title: "Waiting" }]);
    const jobs: unknown[] = [];
    const unconfigured = { ...env, JOBS: { send: async (job: unknown) => void jobs.push(job) } as unknown as Queue } as typeof env;
    expect(await runDigests(unconfigured, at)).toEqual({ sent: 0, empty: 0 });
    expect(jobs).toHaveLength(0);
    expect(await lastSentOn(owner)).toBeNull();
  });
});
