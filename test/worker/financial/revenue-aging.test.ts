import { describe, expect, it } from "vitest";
import { agingBucket, daysOverdue } from "../../../worker/financial/revenue/aging-report";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { restrictToOwnRecords } from "../../record-helpers";
import { download, insertInvoice } from "./revenue-fixture";

const AS_OF = "2025-06-30";
/** The local date `days` before AS_OF. */
const daysBefore = (days: number) => new Date(Date.UTC(2025, 5, 30) - days * 86_400_000).toISOString().slice(0, 10);

describe("aging buckets", () => {
  it("counts whole days from the due date to the as-of date, across month and year ends", () => {
    expect(daysOverdue("2025-06-30", AS_OF)).toBe(0);
    expect(daysOverdue("2025-07-01", AS_OF)).toBe(-1);
    expect(daysOverdue("2024-12-31", "2025-01-01")).toBe(1);
    expect(daysOverdue("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysOverdue(null, AS_OF)).toBe(0);
  });

  it("puts each day count in its bucket at the boundaries", () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map(agingBucket)).toEqual([
      "current", "current", "days1to30", "days1to30", "days31to60", "days31to60", "days61to90", "days61to90", "over90", "over90",
    ]);
  });
});

describe("aging report", () => {
  async function agingFixture(label: string) {
    const owner = await registerAccount(label);
    const agent = await addMember(owner, "agent", `${label}-agent`);
    const company = await api("/api/companies", { token: owner.token, body: { name: "Globex" } });
    expect(company.status).toBe(201);
    // One invoice per boundary; amounts are powers of two so every sum names its invoices.
    const overdue = [-1, 0, 1, 30, 31, 60, 61, 90, 91];
    const invoices = [];
    for (const [i, days] of overdue.entries()) {
      invoices.push(
        await insertInvoice(owner.orgId, { number: `INV-${days}`, dueDate: daysBefore(days), issueDate: daysBefore(days + 30), ownerId: owner.userId, companyId: company.body.data.id }, [
          { unitPrice: 2 ** i * 100 },
        ]),
      );
    }
    // Partly paid: only what is still due counts.
    await insertInvoice(owner.orgId, { number: "INV-partial", dueDate: daysBefore(45), amountPaid: 300, ownerId: agent.userId }, [{ unitPrice: 1_000 }]);
    await insertInvoice(owner.orgId, { number: "INV-yen", currency: "JPY", dueDate: daysBefore(100), ownerId: agent.userId }, [{ unitPrice: 5_000 }]);
    // Not receivable: paid, void, draft, uncollectible, a quote, and one issued after the as-of date.
    await insertInvoice(owner.orgId, { status: "paid", dueDate: daysBefore(10) }, [{ unitPrice: 999 }]);
    await insertInvoice(owner.orgId, { status: "void", dueDate: daysBefore(10), amountPaid: 0 }, [{ unitPrice: 999 }]);
    await insertInvoice(owner.orgId, { status: "draft", dueDate: daysBefore(10) }, [{ unitPrice: 999 }]);
    await insertInvoice(owner.orgId, { status: "uncollectible", dueDate: daysBefore(10) }, [{ unitPrice: 999 }]);
    await insertInvoice(owner.orgId, { kind: "quote", dueDate: daysBefore(10) }, [{ unitPrice: 999 }]);
    await insertInvoice(owner.orgId, { issueDate: "2025-07-01", dueDate: "2025-07-31" }, [{ unitPrice: 999 }]);
    return { owner, agent, company: company.body.data, invoices };
  }

  it("sums amount due per bucket and currency relative to asOf, with the invoices behind each bucket", async () => {
    const { owner } = await agingFixture("aging-sum");
    const res = await api(`/api/financial/reports/aging?asOf=${AS_OF}`, { token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const r = res.body.data;
    expect(r.currencies).toEqual(["JPY", "USD"]);
    expect(r.totals).toEqual([
      { currency: "JPY", current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 5_000, total: 5_000, count: 1 },
      // current: 100 + 200; 1–30: 400 + 800; 31–60: 1600 + 3200 + 700 (the partly paid one); 61–90: 6400 + 12800; 90+: 25600.
      { currency: "USD", current: 300, days1to30: 1_200, days31to60: 5_500, days61to90: 19_200, over90: 25_600, total: 51_800, count: 10 },
    ]);
    const byNumber = Object.fromEntries(r.invoices.map((i: { number: string; bucket: string; daysOverdue: number }) => [i.number, [i.bucket, i.daysOverdue]]));
    expect(byNumber).toEqual({
      "INV--1": ["current", 0], "INV-0": ["current", 0], "INV-1": ["days1to30", 1], "INV-30": ["days1to30", 30], "INV-31": ["days31to60", 31],
      "INV-60": ["days31to60", 60], "INV-61": ["days61to90", 61], "INV-90": ["days61to90", 90], "INV-91": ["over90", 91],
      "INV-partial": ["days31to60", 45], "INV-yen": ["over90", 100],
    });
    expect(r.invoices[0].number).toBe("INV-yen");
  });

  it("groups by company, and moves invoices into older buckets as asOf moves on", async () => {
    const { owner, company } = await agingFixture("aging-company");
    const res = await api(`/api/financial/reports/aging?asOf=${AS_OF}&groupBy=company&currency=USD`, { token: owner.token });
    expect(res.body.data.rows.map((r: { name: string; key: string | null; total: number }) => [r.name, r.key, r.total])).toEqual([
      ["Globex", company.id, 51_100],
      ["No company", null, 700],
    ]);
    const later = await api(`/api/financial/reports/aging?asOf=2025-07-01&currency=USD`, { token: owner.token });
    // A day later: the invoice due on the 30th is 1 day overdue, the one at 30 days moves to 31–60, and the July invoice is issued.
    expect(later.body.data.totals[0]).toMatchObject({ current: 100 + 999, days1to30: 200 + 400, days31to60: 800 + 1_600 + 700, days61to90: 3_200 + 6_400, over90: 12_800 + 25_600 });
  });

  it("shows an agent restricted to own records only their invoices; a viewer reads; another organization sees nothing", async () => {
    const { owner, agent } = await agingFixture("aging-access");
    await restrictToOwnRecords(owner);
    const mine = await api(`/api/financial/reports/aging?asOf=${AS_OF}`, { token: agent.token });
    expect(mine.body.data.invoices.map((i: { number: string }) => i.number).sort()).toEqual(["INV-partial", "INV-yen"]);
    const viewer = await addMember(owner, "viewer", "aging-viewer");
    const all = await api(`/api/financial/reports/aging?asOf=${AS_OF}`, { token: viewer.token });
    expect(all.body.data.invoices).toHaveLength(11);
    const other = await registerAccount("aging-other");
    const none = await api(`/api/financial/reports/aging?asOf=${AS_OF}`, { token: other.token });
    expect(none.body.data).toMatchObject({ currencies: [], totals: [], rows: [], invoices: [] });
  });

  it("exports one CSV row per open invoice", async () => {
    const { owner } = await agingFixture("aging-csv");
    const res = await download(`/api/financial/reports/aging/export.csv?asOf=${AS_OF}&currency=JPY`, owner.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="aging-${AS_OF}.csv"`);
    expect(res.text).toBe(
      `\uFEFFinvoice,company,currency,issue_date,due_date,days_overdue,bucket,total,amount_due\r\nINV-yen,,JPY,,${daysBefore(100)},100,90+ days,5000,5000\r\n`,
    );
  });

  it("answers 400 for a bad date or grouping", async () => {
    const owner = await registerAccount("aging-bad");
    for (const q of ["asOf=2025-02-30", "asOf=30.06.2025", "groupBy=owner", "currency=EURO"]) {
      expectError(await api(`/api/financial/reports/aging?${q}`, { token: owner.token }), 400, "validation_error");
    }
  });
});
