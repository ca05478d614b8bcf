/** A deal room's account of one member's open sessions there (none: they left). */
export interface SocketReport {
  dealId: string;
  userId: string;
  sessions: string[];
  /** Grows with every report of that deal room, so a late report never overrides a newer one. */
  seq: number;
}

/** What the organization's room asks of a deal room; each answers reports for the members it closed. */
export interface DealRoomControl {
  revoke(userId: string, reason: string, sessionId?: string): Promise<SocketReport[]>;
  ownerChanged(ownerId: string | null): Promise<SocketReport[]>;
}

/**
 * Which deal rooms each member of an organization has open, kept by the
 * organization's room so that losing access closes deal-room sockets too:
 * the Worker that removes a member, changes a role, signs a session out or
 * reassigns a deal cannot know which notes are open. Deal rooms report a
 * member's sessions when they connect and leave. A row may name a session no
 * longer open (a room that ended without reporting): asking that room to
 * close it costs one call. A socket missing from the rows would outlive its
 * access, which is why deal rooms report before they admit a socket.
 */
export class DealSockets {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly room: (dealId: string) => Promise<DealRoomControl>,
    private readonly orgId: () => string,
  ) {
    storage.sql.exec(`CREATE TABLE IF NOT EXISTS deal_sockets (user_id TEXT NOT NULL, deal_id TEXT NOT NULL,
      sessions TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (user_id, deal_id))`);
    storage.sql.exec(`CREATE INDEX IF NOT EXISTS deal_sockets_by_deal ON deal_sockets (deal_id)`);
  }

  record(report: SocketReport): void {
    const sql = this.storage.sql;
    const row = sql
      .exec<{ seq: number }>(`SELECT seq FROM deal_sockets WHERE user_id = ? AND deal_id = ?`, report.userId, report.dealId)
      .toArray()[0];
    if (row && row.seq >= report.seq) return;
    if (report.sessions.length === 0) {
      sql.exec(`DELETE FROM deal_sockets WHERE user_id = ? AND deal_id = ?`, report.userId, report.dealId);
      return;
    }
    sql.exec(
      `INSERT INTO deal_sockets (user_id, deal_id, sessions, seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, deal_id) DO UPDATE SET sessions = excluded.sessions, seq = excluded.seq`,
      report.userId,
      report.dealId,
      JSON.stringify(report.sessions),
      report.seq,
    );
  }

  /** Closes a member's deal-room sockets (all of them, or one session's). */
  async revoke(userId: string, reason: string, sessionId?: string): Promise<void> {
    const deals = this.storage.sql
      .exec<{ deal_id: string; sessions: string }>(`SELECT deal_id, sessions FROM deal_sockets WHERE user_id = ?`, userId)
      .toArray()
      .filter((row) => !sessionId || (JSON.parse(row.sessions) as string[]).includes(sessionId))
      .map((row) => row.deal_id);
    await this.ask(deals, (room) => room.revoke(userId, reason, sessionId));
  }

  /** A deal changed owner: its room closes the sockets of members restricted to their own records. */
  async ownerChanged(dealId: string, ownerId: string | null): Promise<void> {
    const others = this.storage.sql
      .exec(`SELECT 1 FROM deal_sockets WHERE deal_id = ? AND user_id IS NOT ? LIMIT 1`, dealId, ownerId)
      .toArray();
    if (others.length) await this.ask([dealId], (room) => room.ownerChanged(ownerId));
  }

  private async ask(dealIds: string[], call: (room: DealRoomControl) => Promise<SocketReport[]>) {
    const answers = await Promise.allSettled(dealIds.map(async (id) => call(await this.room(id))));
    answers.forEach((answer, i) => {
      if (answer.status === "fulfilled") answer.value.forEach((report) => this.record(report));
      else console.error(JSON.stringify({ level: "warn", msg: "deal room unreachable", orgId: this.orgId(), dealId: dealIds[i], err: String(answer.reason) }));
    });
  }
}
