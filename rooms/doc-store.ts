import * as Y from "yjs";

/**
 * Durable storage for one Yjs document in a Durable Object's SQLite: an
 * append-only update log plus a chunked snapshot. Every update is written
 * synchronously as it is applied, so the output gate holds any reply until
 * it is on disk: nothing acknowledged is lost on a crash. The log is folded
 * into a new snapshot once it outweighs the snapshot, keeping load time and
 * storage bounded. Rows stay under the 2 MB limit by chunking.
 */
const CHUNK_BYTES = 512 * 1024;
const MIN_LOG_BYTES_TO_COMPACT = 64 * 1024;
const MAX_LOG_ROWS = 300;
const SCHEMA_VERSION = 2;
/** How many epochs back a client's old history is still recognised. */
const RETIRED_EPOCHS = 3;

export interface DocStoreStats {
  logRows: number;
  logBytes: number;
  snapshotBytes: number;
  generation: number;
  epoch: number;
  freshBytes: number;
}

export class DocStore {
  private logRows = 0;
  private logBytes = 0;
  private snapshotBytes = 0;
  private generation = 0;
  private epochValue = 0;
  private freshBytesValue = 0;
  private retired: Set<number> | null = null;
  /** Next log sequence number; kept in memory so an append is a single INSERT. */
  private nextSeq = 1;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly name = "doc",
  ) {
    this.migrate();
    const head = this.sql.exec<{ gen: number }>(`SELECT gen FROM ydoc_heads WHERE doc = ?`, name).toArray()[0];
    this.generation = head?.gen ?? 0;
    const epoch = this.sql
      .exec<{ epoch: number; fresh_bytes: number }>(`SELECT epoch, fresh_bytes FROM ydoc_epochs WHERE doc = ?`, name)
      .toArray()[0];
    this.epochValue = epoch?.epoch ?? 0;
    this.freshBytesValue = epoch?.fresh_bytes ?? 0;
    const last = this.sql
      .exec<{ seq: number | null }>(`SELECT max(seq) AS seq FROM ydoc_updates WHERE doc = ?`, name)
      .one().seq;
    this.nextSeq = (last ?? 0) + 1;
  }

  private get sql() {
    return this.storage.sql;
  }

  private migrate() {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS ydoc_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
    const row = this.sql.exec<{ value: number }>(`SELECT value FROM ydoc_meta WHERE key = 'schema'`).toArray()[0];
    const version = row?.value ?? 0;
    if (version >= SCHEMA_VERSION) return;
    if (version < 1) {
      this.sql.exec(`CREATE TABLE ydoc_updates (doc TEXT NOT NULL, seq INTEGER NOT NULL, part INTEGER NOT NULL,
        data BLOB NOT NULL, PRIMARY KEY (doc, seq, part))`);
      this.sql.exec(`CREATE TABLE ydoc_snapshots (doc TEXT NOT NULL, gen INTEGER NOT NULL, part INTEGER NOT NULL,
        data BLOB NOT NULL, PRIMARY KEY (doc, gen, part))`);
      this.sql.exec(`CREATE TABLE ydoc_heads (doc TEXT PRIMARY KEY, gen INTEGER NOT NULL)`);
    }
    if (version < 2) {
      // epoch: bumped when the document is replaced by a history-free copy (see `squash`);
      // fresh_bytes: the last measured size of such a copy, so the check stays cheap.
      this.sql.exec(`CREATE TABLE ydoc_epochs (doc TEXT PRIMARY KEY, epoch INTEGER NOT NULL, fresh_bytes INTEGER NOT NULL)`);
      // Yjs client ids that wrote to earlier epochs: a client claiming no epoch but holding them holds old history.
      this.sql.exec(`CREATE TABLE ydoc_retired (doc TEXT NOT NULL, client INTEGER NOT NULL, epoch INTEGER NOT NULL,
        PRIMARY KEY (doc, client))`);
    }
    this.sql.exec(`INSERT OR REPLACE INTO ydoc_meta (key, value) VALUES ('schema', ?)`, SCHEMA_VERSION);
  }

  /** Applies the stored snapshot and log to `doc`. */
  load(doc: Y.Doc, origin: unknown = this): void {
    const gen = this.generation;
    const snapshot = this.sql
      .exec<{ data: ArrayBuffer }>(`SELECT data FROM ydoc_snapshots WHERE doc = ? AND gen = ? ORDER BY part`, this.name, gen)
      .toArray()
      .map((r) => new Uint8Array(r.data));
    const updates: Uint8Array[] = [];
    if (snapshot.length) updates.push(concat(snapshot));
    this.snapshotBytes = updates[0]?.byteLength ?? 0;

    let currentSeq = -1;
    let parts: Uint8Array[] = [];
    this.logRows = 0;
    this.logBytes = 0;
    const flush = () => {
      if (parts.length) updates.push(concat(parts));
      parts = [];
    };
    for (const row of this.sql.exec<{ seq: number; data: ArrayBuffer }>(
      `SELECT seq, data FROM ydoc_updates WHERE doc = ? ORDER BY seq, part`,
      this.name,
    )) {
      if (row.seq !== currentSeq) {
        flush();
        currentSeq = row.seq;
        this.logRows++;
      }
      parts.push(new Uint8Array(row.data));
      this.logBytes += row.data.byteLength;
    }
    flush();
    if (updates.length) {
      Y.transact(doc, () => updates.forEach((u) => Y.applyUpdate(doc, u)), origin);
    }
  }

  /**
   * Appends one update to the log. Synchronous, so it commits with the event
   * that applied the update, and one INSERT in the common case: this is on
   * the path of every keystroke.
   */
  append(update: Uint8Array): void {
    const seq = this.nextSeq++;
    const parts = chunks(update);
    const insert = () =>
      parts.forEach((part, i) =>
        this.sql.exec(`INSERT INTO ydoc_updates (doc, seq, part, data) VALUES (?, ?, ?, ?)`, this.name, seq, i, part),
      );
    if (parts.length === 1) insert();
    else this.storage.transactionSync(insert);
    this.logRows++;
    this.logBytes += update.byteLength;
  }

  shouldCompact(): boolean {
    if (this.logRows >= MAX_LOG_ROWS) return true;
    return this.logBytes >= MIN_LOG_BYTES_TO_COMPACT && this.logBytes >= this.snapshotBytes;
  }

  /**
   * Folds the log into a new snapshot of `doc`'s current state. The new
   * snapshot is written before the old rows go, in one transaction.
   */
  compact(doc: Y.Doc): void {
    this.replace(Y.encodeStateAsUpdate(doc));
  }

  /**
   * Replaces the whole document by `state`, a new document (not a later
   * version of this one) holding the same content without its history, and
   * starts a new epoch. Clients still holding the old epoch's history must
   * drop it instead of syncing: merged back, it would bring the history
   * back and resurrect stale values. Same single transaction as `compact`.
   */
  squash(state: Uint8Array, retiring: Y.Doc): number {
    const epoch = this.epochValue + 1;
    const clients = [...Y.decodeStateVector(Y.encodeStateVector(retiring)).keys()];
    this.replace(state, () => {
      this.writeEpoch(epoch, state.byteLength);
      for (const client of clients) {
        this.sql.exec(
          `INSERT INTO ydoc_retired (doc, client, epoch) VALUES (?, ?, ?) ON CONFLICT (doc, client) DO UPDATE SET epoch = excluded.epoch`,
          this.name,
          client,
          epoch,
        );
      }
      this.sql.exec(`DELETE FROM ydoc_retired WHERE doc = ? AND epoch <= ?`, this.name, epoch - RETIRED_EPOCHS);
    });
    this.epochValue = epoch;
    this.freshBytesValue = state.byteLength;
    this.retired = null;
    return epoch;
  }

  /** Client ids of the last few epochs' documents (see `squash`). */
  retiredClients(): ReadonlySet<number> {
    this.retired ??= new Set(
      this.sql
        .exec<{ client: number }>(`SELECT client FROM ydoc_retired WHERE doc = ?`, this.name)
        .toArray()
        .map((r) => r.client),
    );
    return this.retired;
  }

  /** Remembers the size of a history-free copy measured without squashing. */
  noteFreshBytes(bytes: number): void {
    this.writeEpoch(this.epochValue, bytes);
    this.freshBytesValue = bytes;
  }

  get epoch(): number {
    return this.epochValue;
  }

  get freshBytes(): number {
    return this.freshBytesValue;
  }

  private writeEpoch(epoch: number, freshBytes: number) {
    this.sql.exec(
      `INSERT INTO ydoc_epochs (doc, epoch, fresh_bytes) VALUES (?, ?, ?)
       ON CONFLICT (doc) DO UPDATE SET epoch = excluded.epoch, fresh_bytes = excluded.fresh_bytes`,
      this.name,
      epoch,
      freshBytes,
    );
  }

  /** Writes `state` as the next snapshot generation, then drops older snapshots and the log. */
  private replace(state: Uint8Array, alsoInTransaction?: () => void): void {
    const next = this.generation + 1;
    this.storage.transactionSync(() => {
      chunks(state).forEach((part, i) =>
        this.sql.exec(`INSERT INTO ydoc_snapshots (doc, gen, part, data) VALUES (?, ?, ?, ?)`, this.name, next, i, part),
      );
      this.sql.exec(
        `INSERT INTO ydoc_heads (doc, gen) VALUES (?, ?) ON CONFLICT (doc) DO UPDATE SET gen = excluded.gen`,
        this.name,
        next,
      );
      alsoInTransaction?.();
      this.sql.exec(`DELETE FROM ydoc_snapshots WHERE doc = ? AND gen < ?`, this.name, next);
      this.sql.exec(`DELETE FROM ydoc_updates WHERE doc = ? AND seq < ?`, this.name, this.nextSeq);
    });
    this.generation = next;
    this.snapshotBytes = state.byteLength;
    this.logRows = 0;
    this.logBytes = 0;
  }

  stats(): DocStoreStats {
    return {
      logRows: this.logRows,
      logBytes: this.logBytes,
      snapshotBytes: this.snapshotBytes,
      generation: this.generation,
      epoch: this.epochValue,
      freshBytes: this.freshBytesValue,
    };
  }
}

function chunks(data: Uint8Array): Uint8Array[] {
  if (data.byteLength <= CHUNK_BYTES) return [data];
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.byteLength; i += CHUNK_BYTES) out.push(data.subarray(i, i + CHUNK_BYTES));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}
