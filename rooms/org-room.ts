import { getServerByName, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { YServer } from "y-partyserver";
import type * as Y from "yjs";
import type { Env } from "../worker/platform/env";
import { can } from "../worker/platform/permissions";
import { verifyAccessToken } from "../worker/platform/tokens";
import { bindAwareness } from "./awareness";
import { Board, SERVER_ORIGIN, loadDirectory, type Author, type Rejection } from "./board";
import { carriesRetiredHistory, clientEpoch } from "./board-epoch";
import { compactAndSquash, squashMinBytes } from "./board-squash";
import { parseBoardFlush, type DealRecord, type DealResult } from "../schema/board-document";
import { DealStateSchema } from "../schema/board-deal-schema";
import { DealSockets, type SocketReport } from "./deal-sockets";
import { DocStore } from "./doc-store";
import { CLOSE, roomEvent, type RoomEvent } from "../schema/room-events";
import * as members from "./org-room-members";
import { liveRole, memberName, resetClient, scopeOf, type MemberState, type Send } from "./org-room-members";
import { dealRoomName } from "../schema/room-names";
import { Projection } from "./projection";
import { DomainEventOutbox } from "./domain-event-outbox";
import { dealEvents, type DealActor } from "./deal-domain-events";
import { SCORING_REFRESH_JOB, type ScoringRefreshJob } from "../schema/jobs";

const SCORE_REFRESH_EVERY_MS = 10_000;

export type { MemberState } from "./org-room-members";

const MAX_CONNECTIONS = 250;
/** Client edits reach D1 within this; repeated edits to one deal in the window coalesce into one write. */
const DRAIN_DELAY_MS = 250;

/**
 * One room per organization: the board document, presence, and the events
 * the Worker pushes to members. The Worker checks token and membership before
 * the upgrade; the room checks again that the token is for this organization.
 * Board edits from clients are judged by `Board`, persisted by `DocStore` and
 * projected to D1 by `Projection`.
 */
export class OrgRoom extends YServer<Env> {
  static override options = { hibernate: true };
  /** onSave only compacts; every update is on disk when it is applied. */
  static override callbackOptions = { debounceWait: 2000, debounceMaxWait: 10_000 };

  private store!: DocStore;
  private board!: Board;
  private projection!: Projection;
  private events!: DomainEventOutbox;
  private dealSockets!: DealSockets;
  private drainScheduled = false;
  /** Client edits waiting for a directory reload before they are judged: no squash meanwhile. */
  private rechecking = 0;
  private readonly send: Send = (connection, text) => this.sendCustomMessage(connection, text);

  override async onLoad(): Promise<void> {
    this.store = new DocStore(this.ctx.storage, "board");
    this.store.load(this.document);
  }

  override async onStart(): Promise<void> {
    await super.onStart();
    this.attachBoard();
    this.projection = new Projection(this.ctx.storage, this.env.DB, () => this.name);
    this.events = new DomainEventOutbox(this.ctx.storage, this.env.JOBS);
    this.dealSockets = new DealSockets(this.ctx.storage, (id) => getServerByName(this.env.DEAL_ROOM, dealRoomName(id)), () => this.name);
    await this.refreshDirectory();
    if (this.projection.pending() > 0 || this.events.pending() > 0) this.scheduleDrain();
  }

  /** The room's own handlers on the (current) document; runs synchronously, so no edit slips past them. */
  private attachBoard(directory?: Board["directory"]) {
    this.board = new Board(this.document);
    this.board.baseline();
    if (directory) this.board.directory = directory;
    this.document.on("afterTransaction", (tr: Y.Transaction) => this.review(tr));
    this.document.on("update", (update: Uint8Array) => this.store.append(update));
  }

  /** Compacts, and squashes the board when it carries too much history (rooms/board-squash.ts). */
  override async onSave(): Promise<void> {
    const minBytes = squashMinBytes((this.env as { BOARD_SQUASH_MIN_BYTES?: unknown }).BOARD_SQUASH_MIN_BYTES);
    const epoch = compactAndSquash(this.store, this.document, this.board, minBytes, this.rechecking === 0, this.name);
    if (epoch === null) return;
    members.resetBoardClients(this.everyone(), epoch, this.send);
    void this.replaceDocument();
  }

  /**
   * Swaps the in-memory document for the new epoch's snapshot. Only
   * microtasks run until it is done (no I/O), so no event sees a half-swapped
   * room; y-partyserver's own handlers are set up again on the new document.
   */
  private async replaceDocument() {
    const directory = this.board.directory;
    const old = this.document;
    (this as { document: typeof old }).document = new (old.constructor as new () => typeof old)();
    old.awareness.destroy();
    old.destroy();
    await super.onStart();
    this.attachBoard(directory);
  }

  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    return [scopeOf(ctx.request, liveRole(ctx.request, "viewer"))];
  }

  /** Untagged lookups (y-partyserver's document and awareness broadcasts) only reach board members. */
  override getConnections<TState = unknown>(tag?: string): Iterable<Connection<TState>> {
    return super.getConnections<TState>(tag ?? "board");
  }

  /** Every member's socket, event-only ones included (the override above hides those). */
  private everyone(): Iterable<Connection<MemberState>> {
    return super.getConnections<MemberState>();
  }

  /**
   * Only the event-only sockets, found by their tag: on every accepted board
   * edit, walking every socket would deserialize each one's state just to
   * skip the board members, which already have the edit through Yjs.
   */
  private eventOnly(): Iterable<Connection<MemberState>> {
    return super.getConnections<MemberState>("events");
  }

  override async onConnect(connection: Connection, ctx: ConnectionContext): Promise<void> {
    const token = new URL(ctx.request.url).searchParams.get("token") ?? "";
    let member: MemberState;
    try {
      const claims = await verifyAccessToken(this.env.JWT_SECRET, token);
      if (claims.orgId !== this.name) {
        connection.close(CLOSE.forbidden, "Token is for another organization");
        return;
      }
      const role = liveRole(ctx.request, claims.role);
      member = {
        userId: claims.userId,
        sessionId: claims.sessionId,
        role,
        name: memberName(ctx.request),
        scope: scopeOf(ctx.request, role),
      };
    } catch {
      connection.close(CLOSE.unauthorized, "Invalid or expired token");
      return;
    }
    if ([...super.getConnections()].length > MAX_CONNECTIONS) {
      connection.close(CLOSE.roomFull, "Room is full");
      return;
    }
    if (member.scope === "board") {
      const epoch = this.store.epoch;
      const claimed = clientEpoch(ctx.request.url);
      // A copy from an earlier epoch must never sync: its history would merge back into the new document.
      if (claimed !== null && claimed !== epoch) {
        resetClient(connection, epoch, this.send);
        return;
      }
      connection.setState(member);
      return super.onConnect(connection, ctx);
    }
    connection.setState(member);
  }

  override onMessage(connection: Connection, message: WSMessage): void {
    // Event-only members never read or write the board document.
    const member = connection.state as MemberState | null;
    if (member?.scope !== "board" && typeof message !== "string") return;
    if (typeof message !== "string" && carriesRetiredHistory(message, this.store.retiredClients())) {
      resetClient(connection, this.store.epoch, this.send);
      return;
    }
    const bound = bindAwareness(message, connection, member, this.getConnections());
    if (bound !== null) this.handleMessage(connection, bound);
  }

  override isReadOnly(connection: Connection): boolean {
    const state = connection.state as Partial<MemberState> | null;
    return state?.scope !== "board" || !state.role || !can(state.role, "room:write");
  }

  /**
   * A board client's flush: answers that every message it sent before this
   * one is applied and on disk, and which epoch its document belongs to (a
   * client that connected without a copy learns its epoch this way).
   */
  override onCustomMessage(connection: Connection, message: string): void {
    const flush = parseBoardFlush(message);
    if (!flush || (connection.state as MemberState | null)?.scope !== "board") return;
    this.sendCustomMessage(connection, JSON.stringify(roomEvent("board_epoch", { epoch: this.store.epoch, seq: flush.seq })));
  }

  override async onAlarm(): Promise<void> {
    this.drainScheduled = false;
    try {
      await this.projection.drain();
      this.requestScoreRefresh();
      // After the projection, so automation reading the deal from D1 finds the change.
      await this.events.drain();
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", msg: "projection retry", room: this.name, err: String(err) }));
      this.scheduleDrain(1000);
    }
  }

  /**
   * Board edits changed deals in D1: scores refresh (worker/scoring handles the
   * job; a room imports only platform and schema). At most one request per
   * `SCORE_REFRESH_EVERY_MS`; the job itself coalesces the rest.
   */
  private lastScoreRefresh = 0;
  private requestScoreRefresh() {
    const now = Date.now();
    if (now - this.lastScoreRefresh < SCORE_REFRESH_EVERY_MS) return;
    this.lastScoreRefresh = now;
    const job: ScoringRefreshJob = { type: SCORING_REFRESH_JOB, orgId: this.name, requestedAt: now };
    this.ctx.waitUntil(this.env.JOBS.send(job, { delaySeconds: 3 }).catch((err) => console.error(JSON.stringify({ level: "warn", msg: "score refresh not requested", room: this.name, err: String(err) }))));
  }

  private scheduleDrain(delay = DRAIN_DELAY_MS) {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    void this.ctx.storage.setAlarm(Date.now() + delay);
  }

  private async refreshDirectory() {
    this.board.directory = await loadDirectory(this.env.DB, this.name);
  }

  /** Judges a client's transaction; runs synchronously with it, so projection rows commit with the update. */
  private review(tr: Y.Transaction) {
    const origin = tr.origin as Connection<MemberState> | symbol | null | DocStore;
    if (!origin || origin === SERVER_ORIGIN || origin === this.store || typeof origin !== "object") return;
    const conn = origin as Connection<MemberState>;
    const member = conn.state;
    if (!member) return;
    const author: Author = { userId: member.userId, role: member.role };
    const commit = (deal: DealRecord) => this.commit(deal, author.userId);
    const { rejected, unsure } = this.board.judgeAll(this.board.changedIds(tr), author, commit, true);
    if (rejected.length) queueMicrotask(() => this.reject(conn, rejected));
    if (unsure.length) this.ctx.waitUntil(this.recheck(conn, author, unsure));
  }

  /** Ids the directory did not know (a stage or member added a moment ago) are judged again after a reload. */
  private async recheck(conn: Connection<MemberState>, author: Author, ids: string[]) {
    this.rechecking++;
    try {
      await this.refreshDirectory();
    } finally {
      this.rechecking--;
    }
    this.reject(conn, this.board.judgeAll(ids, author, (deal) => this.commit(deal, author.userId), false).rejected);
  }

  private reject(conn: Connection<MemberState>, rejected: Rejection[]) {
    for (const { id, message } of rejected) {
      this.board.revert(id);
      this.send(conn, JSON.stringify(roomEvent("notification", { level: "error", code: "edit_rejected", dealId: id, message })));
    }
  }

  /** A valid client change: baseline, outbox, event; closed deals leave the board. */
  private commit(deal: DealRecord, by: string) {
    const before = this.board.get(deal.id);
    this.board.accept(deal);
    this.events.record(dealEvents(this.name, before ?? null, deal, { userId: by }));
    members.dropFromFormerOwner(this.eventOnly(), this.send, before, deal, by);
    this.reassigned(before, deal);
    this.projection.record("upsert", deal);
    this.scheduleDrain();
    // Board members saw this edit through Yjs already; only event-only members need the event.
    members.announce(this.eventOnly(), this.send, deal, by, { boardMembers: false });
    if (deal.status !== "open") queueMicrotask(() => this.board.remove(deal.id));
  }

  /** A deal no longer theirs must not stay open in the notes of a member restricted to their own records. */
  private reassigned(before: DealRecord | undefined, after: DealRecord) {
    // A closed deal is not on the board, so its former owner is unknown: the deal room decides.
    if (before && before.ownerId === after.ownerId) return;
    this.ctx.waitUntil(this.dealSockets.ownerChanged(after.id, after.ownerId));
  }

  // ---- RPC from the Worker ----

  /**
   * Creates or replaces a deal the Worker has validated (links, owner); the
   * room checks the board rules, writes the board and the outboxes, and drains
   * them before answering, so the API reads its own writes and the change's
   * events are queued. `change.previous` is the deal before (null for a new
   * one): a closed deal is not on the board, so the Worker tells.
   */
  async saveDeal(input: DealRecord, by: string, change: { previous: DealRecord | null; origin?: DealActor["origin"] }): Promise<DealResult> {
    // An empty position means "at the end of its stage".
    const deal = input.position ? input : { ...input, position: this.board.endOf(input.stageId, input.id) };
    const { id: _id, ...state } = deal;
    const parsed = DealStateSchema.safeParse(state);
    if (!parsed.success) return { type: "invalid", message: parsed.error.issues[0]?.message ?? "Invalid deal" };
    let verdict = this.board.checkDirectory(deal.id, parsed.data);
    if (!verdict.ok && verdict.unsure) {
      await this.refreshDirectory();
      verdict = this.board.checkDirectory(deal.id, parsed.data);
    }
    if (!verdict.ok) return { type: "invalid", message: verdict.message };
    const before = this.board.get(deal.id);
    if (deal.status === "open") this.board.put(verdict.deal);
    else this.board.remove(deal.id);
    this.projection.record("upsert", verdict.deal);
    this.events.record(dealEvents(this.name, change.previous ?? before ?? null, verdict.deal, { userId: by, origin: change.origin }));
    members.announce(this.everyone(), this.send, verdict.deal, by);
    members.dropFromFormerOwner(this.everyone(), this.send, before, verdict.deal, by);
    this.reassigned(before, verdict.deal);
    await this.projection.drain();
    await this.drainEvents();
    return { type: "ok", deal: verdict.deal };
  }

  /** The deal as the board holds it now (open deals only). */
  async boardDeal(id: string): Promise<DealRecord | null> {
    return this.board.get(id) ?? null;
  }

  /** Moves a card to a stage of its pipeline, at an index or an explicit fractional key. */
  async moveDeal(id: string, stageId: string, at: number | string | undefined, by: string, origin?: DealActor["origin"]): Promise<DealResult> {
    const deal = this.board.get(id);
    if (!deal) return { type: "not_found" };
    const position =
      typeof at === "string" ? at : at === undefined ? this.board.endOf(stageId, id) : this.board.positionAt(stageId, at, id);
    return this.saveDeal({ ...deal, stageId, position, updatedBy: by, updatedAt: Date.now() }, by, { previous: deal, origin });
  }

  /** `change.record` is the deal as it was, which the board lacks for a closed deal. */
  async deleteDeal(id: string, by: string, change: { record: DealRecord | null; origin?: DealActor["origin"] }): Promise<void> {
    const deal = this.board.get(id);
    this.board.remove(id);
    this.events.record(dealEvents(this.name, deal ?? change.record, null, { userId: by, origin: change.origin }));
    if (deal) members.announce(this.everyone(), this.send, { ...deal, status: "lost" }, by);
    members.dropFromFormerOwner(this.everyone(), this.send, deal, null, by);
    this.projection.record("delete", { ...(deal ?? ({} as DealRecord)), id });
    await this.projection.drain();
    await this.drainEvents();
  }

  /** A failed send leaves the events recorded; the alarm tries again. */
  private async drainEvents() {
    try {
      await this.events.drain();
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", msg: "domain events retry", room: this.name, err: String(err) }));
      this.scheduleDrain(1000);
    }
  }

  /** Re-reads stages and members after the Worker changed them. */
  async directoryChanged(): Promise<void> {
    await this.refreshDirectory();
  }

  /** Sends an event to every member connected, or only to `userIds` (e.g. a personal notification). */
  async publish(event: RoomEvent, userIds?: string[]): Promise<number> {
    return members.publish(this.everyone(), this.send, event, userIds);
  }

  /** Closes a member's sockets after logout, removal or a role change, in this room and in deal rooms. */
  async disconnect(userId: string, reason: string, sessionId?: string): Promise<number> {
    const closed = members.disconnect(this.everyone(), userId, reason, sessionId);
    await this.dealSockets.revoke(userId, reason, sessionId);
    return closed;
  }

  // ---- RPC from deal rooms ----

  /**
   * A deal room's report of a member's open sessions there (rooms/deal-sockets.ts).
   * Answers the deal's owner when this room knows one that D1 may not have yet.
   */
  async dealSocketsChanged(report: SocketReport): Promise<{ ownerId: string | null } | null> {
    this.dealSockets.record(report);
    const deal = this.board.get(report.dealId) ?? this.projection.queued(report.dealId);
    return deal ? { ownerId: deal.ownerId } : null;
  }

  async stats() {
    return { deals: this.board.size(), pending: this.projection.pending(), parked: this.projection.parked(), store: this.store.stats() };
  }
}
