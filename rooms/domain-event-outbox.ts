import type { DomainEvent } from "../schema";
import { DOMAIN_EVENT_JOB, type DomainEventJob } from "../schema/jobs";

/**
 * The board's domain events on their way to the JOBS queue. An event is
 * recorded in the room's SQLite in the same synchronous step as the change it
 * describes, so an acknowledged board edit keeps its event across a restart;
 * `drain` sends the rows in order and deletes them only once the send
 * resolved. A crash between the two sends an event twice, which automation
 * tolerates: every consumer is idempotent by event id.
 */
const BATCH = 100;

export class DomainEventOutbox {
  private draining: Promise<void> | null = null;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly queue: Queue,
  ) {
    const sql = storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS event_outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
    const schema = sql.exec<{ value: number }>(`SELECT value FROM event_outbox_meta WHERE key = 'schema'`).toArray()[0];
    if (!schema) {
      sql.exec(`CREATE TABLE event_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)`);
      sql.exec(`INSERT INTO event_outbox_meta (key, value) VALUES ('schema', 1)`);
    }
  }

  record(events: DomainEvent[]): void {
    for (const event of events) {
      this.storage.sql.exec(`INSERT INTO event_outbox (id, body) VALUES (?, ?)`, event.id, JSON.stringify(event));
    }
  }

  pending(): number {
    return this.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM event_outbox`).one().n;
  }

  /** Sends every recorded event; concurrent callers share one run. */
  drain(): Promise<void> {
    this.draining ??= this.run().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async run(): Promise<void> {
    for (;;) {
      const rows = this.storage.sql
        .exec<{ seq: number; body: string }>(`SELECT seq, body FROM event_outbox ORDER BY seq LIMIT ?`, BATCH)
        .toArray();
      if (rows.length === 0) return;
      await this.queue.sendBatch(rows.map((row) => ({ body: { type: DOMAIN_EVENT_JOB, event: JSON.parse(row.body) as DomainEvent } satisfies DomainEventJob })));
      this.storage.sql.exec(`DELETE FROM event_outbox WHERE seq <= ?`, rows[rows.length - 1]!.seq);
    }
  }
}
