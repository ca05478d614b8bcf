import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import PostalMime from "postal-mime";
import { describe, expect, inject, it } from "vitest";
import * as schema from "../../../schema";
import { notify } from "../../../worker/notifications/notification-inbox";
import { NOTIFICATION_EMAIL_JOB, sendNotificationEmail } from "../../../worker/notifications/notification-email";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { testDb } from "../../record-helpers";
import { mailEnv } from "./notification-mail-fixture";

async function sentTo(address: string): Promise<{ to: string; mime: string }[]> {
  return (await fetch(`${inject("emailApiFakeUrl")}/__sent?to=${encodeURIComponent(address)}`)).json();
}

const storedCount = (orgId: string, userId: string) =>
  testDb().$count(schema.notifications, and(eq(schema.notifications.orgId, orgId), eq(schema.notifications.userId, userId)));

describe("notification preferences", () => {
  it("shows every category with its defaults, the digest, and that email is not configured", async () => {
    const owner = await registerAccount("np");
    const res = await api("/api/notifications/preferences", { token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byName = Object.fromEntries(res.body.data.categories.map((c: { category: string }) => [c.category, c]));
    expect(byName.assignments).toMatchObject({ inApp: true, email: true, label: "Assignments" });
    expect(byName.sla).toMatchObject({ inApp: true, email: true });
    expect(byName.automation_failures).toMatchObject({ inApp: true, email: true });
    expect(byName.billing).toMatchObject({ inApp: true, email: false });
    expect(res.body.data.digest).toEqual({ enabled: false, hour: 8, timeZone: "UTC" });
    expect(res.body.data.email).toMatchObject({ configured: false, message: expect.stringMatching(/SEND_EMAIL|EMAIL_API_URL/) });
  });

  it("saves changes per member, and refuses an unknown time zone or category changing nothing", async () => {
    const owner = await registerAccount("np");
    const agent = await addMember(owner, "agent");
    const put = await api("/api/notifications/preferences", {
      method: "PUT",
      token: agent.token,
      body: { categories: { billing: { email: true }, mentions: { inApp: false } }, digest: { enabled: true, hour: 7, timeZone: "Asia/Tokyo" } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const byName = Object.fromEntries(put.body.data.categories.map((c: { category: string }) => [c.category, c]));
    expect(byName.billing).toMatchObject({ inApp: true, email: true });
    expect(byName.mentions).toMatchObject({ inApp: false, email: false });
    expect(put.body.data.digest).toEqual({ enabled: true, hour: 7, timeZone: "Asia/Tokyo" });

    expectError(await api("/api/notifications/preferences", { method: "PUT", token: agent.token, body: { digest: { timeZone: "Mars/Olympus" } } }), 400, "validation_error");
    expectError(await api("/api/notifications/preferences", { method: "PUT", token: agent.token, body: { digest: { hour: 24 } } }), 400, "validation_error");
    expectError(await api("/api/notifications/preferences", { method: "PUT", token: agent.token, body: { categories: { gossip: { email: true } } } }), 400, "validation_error");
    const after = await api("/api/notifications/preferences", { token: agent.token });
    expect(after.body.data.digest).toEqual({ enabled: true, hour: 7, timeZone: "Asia/Tokyo" });
    const ownerView = await api("/api/notifications/preferences", { token: owner.token });
    expect(ownerView.body.data.categories.find((c: { category: string }) => c.category === "billing").email).toBe(false);
    expectError(await api("/api/notifications/preferences"), 401, "unauthorized");
  });

  it("does not store or push a notification whose category the member turned off in the app", async () => {
    const owner = await registerAccount("np");
    await api("/api/notifications/preferences", { method: "PUT", token: owner.token, body: { categories: { billing: { inApp: false } } } });
    expect(await notify(env, owner.orgId, owner.userId, { type: "invoice_paid", title: "Invoice paid", link: "/financial/invoices/1" })).toBeNull();
    expect(await storedCount(owner.orgId, owner.userId)).toBe(0);
    const kept = await notify(env, owner.orgId, owner.userId, { type: "sla_breached", title: "SLA breached" });
    expect(kept).toMatchObject({ category: "sla", title: "SLA breached" });
    expect(await storedCount(owner.orgId, owner.userId)).toBe(1);
  });

  it("mails an email-on category once per event, to the member's address", async () => {
    const owner = await registerAccount("np");
    const mail = mailEnv({ APP_URL: "https://crm.example.test" });
    const input = { type: "ticket_assigned", title: "Ticket #7 assigned to you", body: "Printer on fire", link: "/support/tickets/t7" };
    await notify(mail.env, owner.orgId, owner.userId, input);
    await notify(mail.env, owner.orgId, owner.userId, input);
    expect(mail.jobs).toHaveLength(1);
    expect(mail.jobs[0]).toMatchObject({ type: NOTIFICATION_EMAIL_JOB, orgId: owner.orgId, userId: owner.userId, subject: input.title });
    expect(await storedCount(owner.orgId, owner.userId)).toBe(2);

    await notify(mail.env, owner.orgId, owner.userId, { ...input, link: "/support/tickets/t8" });
    await notify(mail.env, owner.orgId, owner.userId, { ...input, link: "/support/tickets/t9", eventKey: "ticket_assigned:t7" });
    await notify(mail.env, owner.orgId, owner.userId, { ...input, link: "/support/tickets/t10", eventKey: "ticket_assigned:t7" });
    expect(mail.jobs).toHaveLength(3);

    await sendNotificationEmail(mail.env, mail.jobs[0]!);
    const [message] = await sentTo(owner.email);
    const parsed = await PostalMime.parse(message!.mime);
    expect(parsed.subject).toBe("Ticket #7 assigned to you");
    expect(parsed.text).toContain("Printer on fire");
    expect(parsed.text).toContain("https://crm.example.test/support/tickets/t7");
  });

  it("mails nothing for an email-off category, and follows the member's choice to turn email on", async () => {
    const owner = await registerAccount("np");
    const mail = mailEnv({ APP_URL: "https://crm.example.test" });
    await notify(mail.env, owner.orgId, owner.userId, { type: "invoice_paid", title: "Paid", link: "/financial/invoices/a" });
    expect(mail.jobs).toHaveLength(0);
    await api("/api/notifications/preferences", { method: "PUT", token: owner.token, body: { categories: { billing: { email: true }, assignments: { email: false } } } });
    await notify(mail.env, owner.orgId, owner.userId, { type: "invoice_paid", title: "Paid", link: "/financial/invoices/b" });
    await notify(mail.env, owner.orgId, owner.userId, { type: "ticket_assigned", title: "Assigned", link: "/support/tickets/b" });
    expect(mail.jobs.map((j) => j.subject)).toEqual(["Paid"]);
  });

  it("queues and claims nothing when mail is not configured", async () => {
    const owner = await registerAccount("np");
    const jobs: unknown[] = [];
    const unconfigured = { ...env, JOBS: { send: async (job: unknown) => void jobs.push(job) } as unknown as Queue } as typeof env;
    await notify(unconfigured, owner.orgId, owner.userId, { type: "ticket_assigned", title: "Assigned", link: "/support/tickets/x" });
    expect(jobs).toHaveLength(0);
    expect(await testDb().$count(schema.notificationEmails, eq(schema.notificationEmails.userId, owner.userId))).toBe(0);
    expect(await storedCount(owner.orgId, owner.userId)).toBe(1);
  });
});
