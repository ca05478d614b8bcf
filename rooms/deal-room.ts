import { getServerByName, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { YServer } from "y-partyserver";
import type { Env } from "../worker/platform/env";
import { ownRecordsOnly } from "../worker/platform/access";
import { can } from "../worker/platform/permissions";
import { verifyAccessToken, type AccessClaims } from "../worker/platform/tokens";
import { dealRoomAccess } from "./room-access";
import type { Role } from "../schema";
import { bindAwareness } from "./awareness";
import type { SocketReport } from "./deal-sockets";
import { DocStore } from "./doc-store";
import { CLOSE } from "../schema/room-events";
import { MEMBER_VISIBILITY_HEADER, ROOM_ORG_HEADER, orgRoomName } from "../schema/room-names";
import { liveRole, memberName } from "./org-room-members";

const MAX_CONNECTIONS = 50;
/** Numbers this room's reports to the organization's room; kept even when the deal's notes are deleted. */
const REPORT_SEQ_KEY = "reportSeq";

/** Per-connection state; it survives hibernation in the socket attachment. */
interface DealMember {
  userId: string;
  sessionId: string;
  role: Role;
  name: string;
  /** Sees only their own records: the socket ends when the deal goes to someone else. */
  ownOnly: boolean;
}

/**
 * One room per deal: its collaborative notes (`doc.getXmlFragment("notes")`,
 * edited with Tiptap/ProseMirror) with cursors and names through awareness.
 * The Worker's gate has checked that the deal belongs to the token's
 * organization and is visible to the caller; the room remembers its
 * organization on first use and refuses tokens of any other. The
 * organization's room knows who has the notes open (rooms/deal-sockets.ts)
 * and has this room close their sockets when their access ends.
 */
export class DealRoom extends YServer<Env> {
  static override options = { hibernate: true };
  static override callbackOptions = { debounceWait: 2000, debounceMaxWait: 10_000 };

  private store!: DocStore;

  override async onLoad(): Promise<void> {
    this.store = new DocStore(this.ctx.storage, "notes");
    this.store.load(this.document);
  }

  override async onStart(): Promise<void> {
    await super.onStart();
    this.document.on("update", (update: Uint8Array) => this.store.append(update));
  }

  override async onSave(): Promise<void> {
    if (this.store.shouldCompact()) this.store.compact(this.document);
  }

  private organization(gateOrg: string | null): string | null {
    const known = this.ctx.storage.kv.get<string>("orgId") ?? null;
    if (known || !gateOrg) return known;
    this.ctx.storage.kv.put("orgId", gateOrg);
    return gateOrg;
  }

  override async onConnect(connection: Connection, ctx: ConnectionContext): Promise<void> {
    const token = new URL(ctx.request.url).searchParams.get("token") ?? "";
    let claims: AccessClaims;
    try {
      claims = await verifyAccessToken(this.env.JWT_SECRET, token);
    } catch {
      connection.close(CLOSE.unauthorized, "Invalid or expired token");
      return;
    }
    const orgId = this.organization(ctx.request.headers.get(ROOM_ORG_HEADER));
    if (!orgId || claims.orgId !== orgId) {
      connection.close(CLOSE.forbidden, "Token is for another organization");
      return;
    }
    if ([...this.getConnections()].length > MAX_CONNECTIONS) {
      connection.close(CLOSE.roomFull, "Room is full");
      return;
    }
    const role = liveRole(ctx.request, claims.role);
    const recordVisibility = ctx.request.headers.get(MEMBER_VISIBILITY_HEADER) === "own" ? "own" : "all";
    const member: DealMember = {
      userId: claims.userId,
      sessionId: claims.sessionId,
      role,
      name: memberName(ctx.request),
      ownOnly: ownRecordsOnly({ role, recordVisibility }),
    };
    connection.setState(member);
    if (await this.admit(connection, claims, orgId)) return super.onConnect(connection, ctx);
  }

  /**
   * The gate checked access a moment ago, but a removal, logout or
   * reassignment may have landed since, before the organization's room knew
   * of this socket. So the socket is reported first and access checked after:
   * a change that lands later finds the socket in the report and closes it.
   */
  private async admit(connection: Connection, claims: AccessClaims, orgId: string): Promise<boolean> {
    let access;
    try {
      const known = await (await this.orgRoom(orgId)).dealSocketsChanged(this.report(claims.userId));
      access = await dealRoomAccess(this.env, claims, this.name, known?.ownerId);
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", msg: "deal room admission failed", dealId: this.name, err: String(err) }));
      connection.close(CLOSE.unavailable, "Could not check access; try again");
      return false;
    }
    if (!access.ok) {
      connection.close(CLOSE.revoked, "No longer allowed to open this deal");
      return false;
    }
    const { live } = access;
    connection.setState((prev: DealMember) => ({ ...prev, role: live.role, ownOnly: ownRecordsOnly(live) }));
    return true;
  }

  override onMessage(connection: Connection, message: WSMessage): void {
    const bound = bindAwareness(message, connection, connection.state as DealMember | null, this.getConnections());
    if (bound !== null) this.handleMessage(connection, bound);
  }

  override async onClose(connection: Connection, code: number, reason: string, wasClean: boolean): Promise<void> {
    super.onClose(connection, code, reason, wasClean);
    const member = connection.state as DealMember | null;
    const orgId = this.ctx.storage.kv.get<string>("orgId");
    if (!member || !orgId) return;
    try {
      await (await this.orgRoom(orgId)).dealSocketsChanged(this.report(member.userId, new Set([connection.id])));
    } catch (err) {
      // The organization's room then over-states what is open, which costs one needless call later.
      console.error(JSON.stringify({ level: "warn", msg: "deal room leave report failed", dealId: this.name, err: String(err) }));
    }
  }

  override isReadOnly(connection: Connection): boolean {
    const state = connection.state as Partial<DealMember> | null;
    return !state?.role || !can(state.role, "room:write");
  }

  override onCustomMessage(): void {}

  private orgRoom(orgId: string) {
    return getServerByName(this.env.ORG_ROOM, orgRoomName(orgId));
  }

  /** Which sessions of a member have this deal open, leaving out sockets being closed. */
  private report(userId: string, leaving: Set<string> = new Set()): SocketReport {
    const seq = (this.ctx.storage.kv.get<number>(REPORT_SEQ_KEY) ?? 0) + 1;
    this.ctx.storage.kv.put(REPORT_SEQ_KEY, seq);
    const sessions = new Set<string>();
    for (const conn of this.getConnections<DealMember>()) {
      if (!leaving.has(conn.id) && conn.state?.userId === userId) sessions.add(conn.state.sessionId);
    }
    return { dealId: this.name, userId, sessions: [...sessions], seq };
  }

  /** Closes `match`ing sockets; answers the reports of the members they belonged to. */
  private closeWhere(match: (member: DealMember) => boolean, reason: string): SocketReport[] {
    const leaving = new Set<string>();
    const users = new Set<string>();
    for (const conn of this.getConnections<DealMember>()) {
      if (!conn.state || !match(conn.state)) continue;
      conn.close(CLOSE.revoked, reason);
      leaving.add(conn.id);
      users.add(conn.state.userId);
    }
    return [...users].map((userId) => this.report(userId, leaving));
  }

  // ---- RPC from the organization's room ----

  /** Closes a member's sockets (all of them, or one session's) after logout, removal or a role change. */
  async revoke(userId: string, reason: string, sessionId?: string): Promise<SocketReport[]> {
    const reports = this.closeWhere((m) => m.userId === userId && (!sessionId || m.sessionId === sessionId), reason);
    // Even with nothing to close, the answer clears what the organization's room believed open.
    return reports.length ? reports : [this.report(userId)];
  }

  /** The deal has a new owner: members who see only their own records lose it. */
  async ownerChanged(ownerId: string | null): Promise<SocketReport[]> {
    return this.closeWhere((m) => m.ownOnly && m.userId !== ownerId, "Deal reassigned");
  }

  /** Forgets everything when the deal is deleted. */
  async destroy(): Promise<void> {
    for (const conn of this.getConnections()) conn.close(CLOSE.revoked, "Deal deleted");
    const seq = this.ctx.storage.kv.get<number>(REPORT_SEQ_KEY);
    await this.ctx.storage.deleteAll();
    // A later deal could reuse the id; its reports must still count as newer than this one's.
    if (seq !== undefined) this.ctx.storage.kv.put(REPORT_SEQ_KEY, seq);
  }
}
