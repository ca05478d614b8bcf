import type { DealRecord } from "../schema/board-document";

/**
 * The outbox that carries board changes to D1. A change is recorded in the
 * room's SQLite in the same synchronous step as the Yjs update it comes from,
 * so both are durable together; `drain` then copies rows to D1 in version
 * order. D1 writes only move a row's version forward, so a replayed or
 * reordered batch is harmless. Rows failing too often are parked and logged.
 */
const BATCH = 50;
const MAX_ATTEMPTS = 8;

type Op = "upsert" | "delete";

type OutboxRow = {
  deal_id: string;
  version: number;
  op: Op;
  payload: string;
  attempts: number;
};

const UPSERT = `INSERT INTO deals (id, org_id, owner_id, tags, created_by, updated_by, created_at, updated_at,
  title, amount, currency, pipeline_id, stage_id, position, contact_id, company_id, lead_id, close_date,
  status, lost_reason, version)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, tags = excluded.tags,
  updated_by = excluded.updated_by, updated_at = excluded.updated_at, title = excluded.title,
  amount = excluded.amount, currency = excluded.currency, pipeline_id = excluded.pipeline_id,
  stage_id = excluded.stage_id, position = excluded.position, contact_id = excluded.contact_id,
  company_id = excluded.company_id, lead_id = excluded.lead_id, close_date = excluded.close_date,
  status = excluded.status, lost_reason = excluded.lost_reason, version = excluded.version
WHERE excluded.version > deals.version AND deals.org_id = excluded.org_id`;

export class Projection {
  private draining: Promise<void> | null = null;
  /** Last version handed out; kept in memory so recording a change is a single INSERT. */
  private version: number;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly db: D1Database,
    private readonly orgId: () => string,
  ) {
    const sql = storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS projection_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
    const schema = sql.exec<{ value: number }>(`SELECT value FROM projection_meta WHERE key = 'schema'`).toArray()[0];
    if (!schema) {
      sql.exec(`CREATE TABLE outbox (deal_id TEXT PRIMARY KEY, version INTEGER NOT NULL, op TEXT NOT NULL,
        payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)`);
      sql.exec(`CREATE INDEX outbox_version ON outbox (version)`);
      sql.exec(`CREATE TABLE outbox_parked (deal_id TEXT NOT NULL, version INTEGER NOT NULL, op TEXT NOT NULL,
        payload TEXT NOT NULL, last_error TEXT, parked_at INTEGER NOT NULL)`);
      sql.exec(`INSERT INTO projection_meta (key, value) VALUES ('schema', 1), ('version', 0)`);
    }
    // Versions only grow: past the highest one drained (meta) and the highest still queued.
    this.version = sql
      .exec<{ v: number }>(
        `SELECT max((SELECT value FROM projection_meta WHERE key = 'version'),
           coalesce((SELECT max(version) FROM outbox), 0)) AS v`,
      )
      .one().v;
  }

  /** Records the latest state of one deal; coalesces with an undrained earlier change. */
  record(op: Op, deal: DealRecord): number {
    const sql = this.storage.sql;
    const version = ++this.version;
    sql.exec(
      `INSERT INTO outbox (deal_id, version, op, payload) VALUES (?, ?, ?, ?)
       ON CONFLICT (deal_id) DO UPDATE SET version = excluded.version, op = excluded.op,
         payload = excluded.payload, attempts = 0, last_error = NULL`,
      deal.id,
      version,
      op,
      JSON.stringify(deal),
    );
    return version;
  }

  /** A deal's latest state while it still waits for D1 (none once deleted). */
  queued(dealId: string): DealRecord | null {
    const row = this.storage.sql
      .exec<{ payload: string }>(`SELECT payload FROM outbox WHERE deal_id = ? AND op = 'upsert'`, dealId)
      .toArray()[0];
    return row ? (JSON.parse(row.payload) as DealRecord) : null;
  }

  pending(): number {
    return this.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM outbox`).one().n;
  }

  parked(): number {
    return this.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM outbox_parked`).one().n;
  }

  /** Copies every pending change to D1; concurrent callers share one run. */
  drain(): Promise<void> {
    this.draining ??= this.run().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async run(): Promise<void> {
    for (;;) {
      const rows = this.storage.sql
        .exec<OutboxRow>(`SELECT deal_id, version, op, payload, attempts FROM outbox ORDER BY version LIMIT ?`, BATCH)
        .toArray();
      if (rows.length === 0) return;
      try {
        await this.db.batch(rows.map((row) => this.statement(row)));
        rows.forEach((row) => this.done(row));
      } catch {
        // Isolate the row that fails so the others still land.
        let failed = 0;
        for (const row of rows) {
          try {
            await this.statement(row).run();
            this.done(row);
          } catch (err) {
            this.fail(row, String(err));
            failed++;
          }
        }
        if (failed) throw new Error(`${failed} projection row(s) failed; will retry`);
      }
    }
  }

  /** A newer change recorded while the write was in flight stays queued. */
  private done(row: OutboxRow) {
    this.storage.sql.exec(`DELETE FROM outbox WHERE deal_id = ? AND version = ?`, row.deal_id, row.version);
    this.storage.sql.exec(`UPDATE projection_meta SET value = max(value, ?) WHERE key = 'version'`, row.version);
  }

  private statement(row: OutboxRow): D1PreparedStatement {
    if (row.op === "delete") {
      return this.db.prepare(`DELETE FROM deals WHERE id = ? AND org_id = ?`).bind(row.deal_id, this.orgId());
    }
    const d = JSON.parse(row.payload) as DealRecord;
    return this.db
      .prepare(UPSERT)
      .bind(
        d.id, this.orgId(), d.ownerId, JSON.stringify(d.tags), d.createdBy, d.updatedBy, d.createdAt, d.updatedAt,
        d.title, d.amount, d.currency, d.pipelineId, d.stageId, d.position, d.contactId, d.companyId, d.leadId,
        d.closeDate, d.status, d.lostReason, row.version,
      );
  }

  private fail(row: OutboxRow, error: string) {
    const sql = this.storage.sql;
    if (row.attempts + 1 >= MAX_ATTEMPTS) {
      sql.exec(
        `INSERT INTO outbox_parked (deal_id, version, op, payload, last_error, parked_at) VALUES (?, ?, ?, ?, ?, ?)`,
        row.deal_id, row.version, row.op, row.payload, error, Date.now(),
      );
      this.done(row);
      console.error(JSON.stringify({ level: "error", msg: "projection parked", dealId: row.deal_id, error }));
    } else {
      sql.exec(`UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE deal_id = ?`, error, row.deal_id);
    }
  }
}
