// The demo support desk: two teams with their assignment rules, SLA policies
// per priority, a business calendar, the demo agents available, and ~40
// tickets with replies and internal notes. Everything goes through the public
// API; email tickets and the customers' follow-ups arrive as real MIME mail
// through the local Email Worker route (wrangler dev's /cdn-cgi/handler/email),
// exactly the path a customer's mail takes.
import { rng } from "./demo-data.mjs";
import { pastBusinessTime } from "./demo-time.mjs";

const PASSWORD_OF_DEMO_TEAM = "pipeline-rocks-2026";
// Local D1 serializes writes: more requests in flight only queue up.
const PARALLEL = 4;

// [team, priority, subject, first message, agent reply, customer follow-up]
const STORIES = [
  ["tier1", "high", "Cannot log in after password reset", "I reset my password this morning but the login page still says \"invalid credentials\".", "Sorry about that! Sessions from before the reset are signed out; could you try a private browser window?", "A private window works. Thanks!"],
  ["tier1", "normal", "How do I import contacts from Salesforce?", "We are moving from Salesforce. Is there a way to bring our 3,000 contacts over?", "Yes: export a CSV from Salesforce and use Contacts → Import. Duplicates are matched by email.", null],
  ["tier1", "urgent", "Pipeline board does not load", "Since 10 minutes the pipeline board shows a spinner forever for our whole team.", "We are looking into it right now and will update you within 30 minutes.", "Still spinning on my side."],
  ["tier1", "low", "Dark mode?", "Any plans for a dark mode? My eyes would thank you.", "It is on our roadmap; I added your vote to the request.", null],
  ["tier1", "normal", "Invitation link expired", "My new colleague says the invite link shows \"expired\".", "Invitation links are valid for 7 days. I re-sent it from Members → Invite.", "Got it, she is in now."],
  ["tier1", "high", "CSV export cuts off at 10,000 rows", "Exporting deals gives me a file with exactly 10,000 rows but we have more.", null, null],
  ["tier1", "normal", "Change the owner of 40 deals at once", "A sales rep left; how do I move all his deals to someone else?", "Filter the deal list by owner, select all and use \"Reassign\".", null],
  ["tier1", "normal", "Search does not find a contact by phone", "Typing +49 30 1234567 finds nothing although the contact exists.", null, null],
  ["tier1", "low", "Typo on the sign-up page", "\"Organisation\" and \"Organization\" are both used on the sign-up page.", "Thanks for spotting it, it will be fixed in the next release.", null],
  ["tier1", "high", "Emails from the help center land in spam", "Customers tell us the confirmation mails land in spam.", null, null],
  ["billing", "high", "Charged twice for invoice 2291", "Our card was charged twice for invoice 2291 this month.", "I can see both charges; the duplicate is refunded and should show within 5 business days.", "Refund arrived, thank you."],
  ["billing", "normal", "Need a VAT number on our invoices", "Please add our VAT ID DE123456789 to future invoices.", "Done: the VAT ID is on your billing profile and will appear from the next invoice.", null],
  ["billing", "urgent", "Account locked for non-payment, but we paid", "Our workspace says the subscription lapsed but the bank transfer went out on Monday.", "Transfers take up to 3 days to reach us; I extended your grace period meanwhile.", "Thank you, we can work again."],
  ["billing", "normal", "Switch from monthly to yearly plan", "What happens to the remaining days of our monthly plan if we switch to yearly?", null, null],
  ["billing", "low", "Invoice address change", "We moved offices; the new address is Hafenstraße 12, 20457 Hamburg.", "Updated. Past invoices keep the old address as required by law.", null],
  ["billing", "normal", "Discount for nonprofits?", "We are a registered charity. Do you offer nonprofit pricing?", null, null],
  ["billing", "high", "Wrong currency on invoice", "We are billed in USD but our contract says EUR.", "You are right; I am issuing a corrected invoice in EUR now.", null],
  ["tier1", "normal", "Phone number formatting", "Numbers we import show up without the country code.", "Set the default country under Settings; numbers without a prefix use it.", null],
  ["tier1", "urgent", "Data missing after import", "Half of the companies from our import have no contacts attached.", null, null],
  ["tier1", "normal", "Two-factor authentication", "Does NeuraCRM support 2FA for our admins?", "Not yet, it is planned for Q1. Strong passwords and session revocation are in place.", null],
];

const CHANNELS = ["email", "email", "web", "chat", "phone"];
const NOTES = [
  "Checked the logs: no errors on our side for this account.",
  "Customer is on the Business plan, renewal next month.",
  "Same issue reported twice this week, linking to the engineering ticket.",
  "Called the customer, waiting for their IT to confirm.",
];
const FALLBACK_PEOPLE = [
  ["Jordan Lee", "jordan.lee@example.com"],
  ["Priya Natarajan", "priya@northwind.example"],
  ["Marco Rossi", "marco@rossi-logistics.example"],
  ["Li Wei", "li.wei@example.org"],
  ["Jürgen Müller", "juergen@example.de"],
];

async function request(fetcher, base, token, method, path, body) {
  const res = await fetcher(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (res.status >= 300) throw new Error(`support seed: ${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json.data;
}

function mime({ from, name, to, subject, body, messageId, inReplyTo }) {
  return [
    `From: ${name} <${from}>`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${messageId}`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`, `References: ${inReplyTo}`] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=UTF-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    body,
    "",
  ].join("\r\n");
}

/** Delivers a mail to the local Email Worker; false when this server has no email route (then the API is used). */
async function sendMail(fetcher, base, envelope, raw) {
  const res = await fetcher(`${base}/cdn-cgi/handler/email?from=${encodeURIComponent(envelope.from)}&to=${encodeURIComponent(envelope.to)}`, { method: "POST", body: raw });
  if (res.status === 404) return false;
  if (!res.ok) throw new Error(`support seed: mail delivery answered ${res.status}: ${await res.text()}`);
  return true;
}

/**
 * `api(path, body?)` GETs or POSTs with the owner's token; `ctx` is
 * `{base, token, log, fetch?}` for the other methods and the mail route.
 */
function ticketBody({ teams, teamKey, priority, channel, contact, person, subject, first }) {
  return {
    subject,
    description: first,
    priority,
    channel,
    teamId: teams[teamKey].id,
    tags: [teamKey === "billing" ? "billing" : "product"],
    ...(contact ? { contactId: contact.id } : { requesterEmail: person.email, requesterName: person.name }),
  };
}

const replyText = (person, reply, assignee) => `Hi ${person.name.split(" ")[0]},\n\n${reply}\n\nBest,\n${assignee.name}`;

/**
 * Extended support hours every day, closed on public holidays: those of the
 * past year too, since the imported history reaches two weeks back.
 */
function supportCalendar(now) {
  const year = new Date(now).getUTCFullYear();
  return {
    timeZone: "Europe/Berlin",
    workingDays: [1, 2, 3, 4, 5, 6, 7],
    startMinute: 7 * 60,
    endMinute: 22 * 60,
    holidays: [year - 1, year].flatMap((y) => [`${y}-12-25`, `${y}-12-26`, `${y + 1}-01-01`]),
  };
}

export async function seedSupport(api, ctx) {
  const { base, token, log = () => {}, fetch: fetcher = fetch } = ctx;
  const r = rng(7331);
  const call = (method, path, body, as = token) => request(fetcher, base, as, method, path, body);
  const users = (await api("/api/users?per_page=100")).filter((u) => u.role !== "viewer");
  const agents = users.filter((u) => u.role === "agent" || u.role === "manager");
  const tier1 = agents.length ? agents : users;
  const billing = users.filter((u) => u.role === "owner" || u.role === "manager");

  // Agents go available first, so assignment by rule finds them.
  for (const u of users) await call("PUT", `/api/agents/${u.id}/status`, { status: "available" });
  const teams = {
    tier1: await api("/api/support/teams", { name: "Tier 1", assignmentRule: "round_robin", memberIds: tier1.map((u) => u.id) }),
    billing: await api("/api/support/teams", { name: "Billing", assignmentRule: "least_loaded", memberIds: (billing.length ? billing : users).map((u) => u.id) }),
  };
  const policies = { urgent: [30, 240], high: [60, 8 * 60], normal: [4 * 60, 3 * 8 * 60], low: [8 * 60, 5 * 8 * 60] };
  for (const [priority, [firstResponseMinutes, resolutionMinutes]] of Object.entries(policies)) {
    await call("PUT", "/api/support/sla-policies", { priority, name: `${priority[0].toUpperCase()}${priority.slice(1)} priority`, firstResponseMinutes, resolutionMinutes });
  }
  const calendar = supportCalendar(Date.now());
  await call("PUT", "/api/support/calendar", calendar);

  const inbound = (await api("/api/support/settings")).inboundAddress;
  const contacts = (await api("/api/contacts?per_page=40&sort=createdAt")).filter((c) => c.email);
  const agentTokens = new Map();
  const tokenOf = async (user) => {
    if (user.role === "owner") return token;
    if (!agentTokens.has(user.id)) {
      const login = await request(fetcher, base, null, "POST", "/api/auth/login", { email: user.email, password: PASSWORD_OF_DEMO_TEAM }).catch(() => null);
      agentTokens.set(user.id, login?.accessToken ?? token);
    }
    return agentTokens.get(user.id);
  };

  const total = STORIES.length * 2;
  log(`  ${total} support tickets…`);
  let mailRoute = true;
  let made = 0;
  const seedOne = async (i) => {
    const [teamKey, basePriority, subject, first, reply, followUp] = STORIES[i % STORIES.length];
    const second = i >= STORIES.length;
    const contact = i % 3 !== 2 && contacts.length ? contacts[(i * 7) % contacts.length] : null;
    const [fallbackName, fallbackEmail] = FALLBACK_PEOPLE[i % FALLBACK_PEOPLE.length];
    const person = contact ? { name: `${contact.firstName} ${contact.lastName}`.trim(), email: contact.email } : { name: fallbackName, email: fallbackEmail.replace("@", `+${i}@`) };
    const channel = CHANNELS[i % CHANNELS.length];
    const priority = second && basePriority === "urgent" ? "high" : basePriority;
    const fullSubject = second ? `${subject} (again)` : subject;
    const messageId = `<demo-${i}-${Date.now().toString(36)}@mail.example.com>`;

    // Solved, closed and on-hold tickets are history, imported with their
    // real times (owners may backdate); the rest arrive now, by mail or API.
    const stage = i % 8;
    if (stage >= 4) return seedHistoric({ i, r, call, teams, teamKey, priority, channel, contact, person, subject: fullSubject, first, reply, stage });

    let ticket = null;
    if (channel === "email" && mailRoute) {
      mailRoute = await sendMail(fetcher, base, { from: person.email, to: inbound }, mime({ from: person.email, name: person.name, to: inbound, subject: fullSubject, body: `Hello,\n\n${first}\n\nBest regards,\n${person.name}`, messageId }));
      if (mailRoute) {
        // A few tickets are in flight at once: find ours among the newest by its (unique) subject.
        ticket = (await api(`/api/support/tickets?channel=email&sort=-createdAt&per_page=20`)).find((t) => t.subject === fullSubject);
        ticket = await call("PATCH", `/api/support/tickets/${ticket.id}`, { priority, teamId: teams[teamKey].id, tags: [teamKey === "billing" ? "billing" : "product"] });
      }
    }
    ticket ??= await api("/api/support/tickets", ticketBody({ teams, teamKey, priority, channel, contact, person, subject: fullSubject, first }));
    made++;

    // Fresh (no reply yet, some breaching soon), answered, or waiting on the customer.
    if (stage === 0 || !reply) return;
    const assignee = users.find((u) => u.id === ticket.assigneeId) ?? r.pick(tier1);
    const agentToken = await tokenOf(assignee);
    if (r.chance(0.5)) await call("POST", `/api/support/tickets/${ticket.id}/comments`, { kind: "internal", body: r.pick(NOTES) }, agentToken);
    await call("POST", `/api/support/tickets/${ticket.id}/comments`, { kind: "public", body: replyText(person, reply, assignee) }, agentToken);
    if (stage === 1) return;
    if (followUp && channel === "email" && mailRoute) {
      const detail = await api(`/api/support/tickets/${ticket.id}`);
      await sendMail(fetcher, base, { from: person.email, to: inbound }, mime({
        from: person.email, name: person.name, to: inbound, subject: `Re: ${fullSubject} [#${detail.number}-${detail.threadToken}]`,
        body: followUp, messageId: `<demo-${i}-followup-${Date.now().toString(36)}@mail.example.com>`, inReplyTo: messageId,
      }));
    }
    await call("PATCH", `/api/support/tickets/${ticket.id}`, { status: "pending" }, agentToken);
  };
  const seedHistoric = async ({ r, call, stage, reply, person, ...rest }) => {
    // Two calendar days back at the least: history is over a day old at any hour of the seed run.
    const opened = pastBusinessTime(r, r.int(2, 13), calendar);
    const ticket = await api("/api/support/tickets", { ...ticketBody({ ...rest, person }), createdAt: opened });
    made++;
    if (!reply) return;
    const responded = opened + r.int(10, 6 * 60) * 60_000;
    const assignee = users.find((u) => u.id === ticket.assigneeId) ?? users[0];
    if (r.chance(0.5)) await call("POST", `/api/support/tickets/${ticket.id}/comments`, { kind: "internal", body: r.pick(NOTES), createdAt: responded - 5 * 60_000 });
    await call("POST", `/api/support/tickets/${ticket.id}/comments`, { kind: "public", body: replyText(person, reply, assignee), createdAt: responded });
    const settled = Math.min(Date.now() - 60_000, responded + r.int(1, 40) * 3_600_000);
    const status = stage === 4 ? "on_hold" : stage === 7 ? "closed" : "solved";
    await call("PATCH", `/api/support/tickets/${ticket.id}`, { status, at: settled });
  };
  // The first mail tells whether this server has the email route; then a few tickets go at once.
  await seedOne(0);
  let next = 1;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < total) await seedOne(next++);
  }));
  return { teams: 2, tickets: made };
}
