import type { Connection, ConnectionContext } from "partyserver";
import { YServer } from "y-partyserver";
import type { Env } from "../worker/env";
import { can } from "../worker/lib/permissions";
import { verifyAccessToken } from "../worker/lib/tokens";
import { ROLES, type Role } from "../schema";
import { DocStore } from "./doc-store";
import { CLOSE, type RoomEvent } from "./events";
import { MEMBER_ROLE_HEADER } from "./names";

/** Per-connection state; it survives hibernation in the socket attachment, so it stays tiny. */
export interface MemberState {
  userId: string;
  sessionId: string;
  role: Role;
}

const MAX_CONNECTIONS = 250;

/**
 * One room per organization: its shared Yjs documents, the members' presence
 * (awareness) and the live events the Worker pushes to them. The Worker has
 * already checked the token and the membership in D1 before the upgrade; the
 * room checks again that the token belongs to this organization, because a
 * room must never trust who routed a socket to it.
 */
export class OrgRoom extends YServer<Env> {
  static override options = { hibernate: true };
  /** onSave only compacts; every update is already on disk when it is applied. */
  static override callbackOptions = { debounceWait: 2000, debounceMaxWait: 10_000 };

  private store?: DocStore;

  override async onLoad(): Promise<void> {
    this.store = new DocStore(this.ctx.storage, "board");
    this.store.load(this.document);
  }

  override async onStart(): Promise<void> {
    await super.onStart();
    this.document.on("update", (update: Uint8Array) => this.store?.append(update));
  }

  override async onSave(): Promise<void> {
    if (this.store?.shouldCompact()) this.store.compact(this.document);
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
      const live = ctx.request.headers.get(MEMBER_ROLE_HEADER) as Role | null;
      const role = live && ROLES.includes(live) ? live : claims.role;
      member = { userId: claims.userId, sessionId: claims.sessionId, role };
    } catch {
      connection.close(CLOSE.unauthorized, "Invalid or expired token");
      return;
    }
    if ([...this.getConnections()].length > MAX_CONNECTIONS) {
      connection.close(CLOSE.roomFull, "Room is full");
      return;
    }
    connection.setState(member);
    return super.onConnect(connection, ctx);
  }

  override isReadOnly(connection: Connection): boolean {
    const state = connection.state as Partial<MemberState> | null;
    return !state?.role || !can(state.role, "room:write");
  }

  /** Clients have no custom messages to send yet; anything they send is ignored. */
  override onCustomMessage(): void {}

  /** Fans a typed event out to every connected member (Worker → room RPC). */
  async publish(event: RoomEvent): Promise<number> {
    const text = JSON.stringify(event);
    this.broadcastCustomMessage(text);
    return [...this.getConnections()].length;
  }

  /** Closes a member's sockets after logout, removal or a role change. */
  async disconnect(userId: string, reason: string, sessionId?: string): Promise<number> {
    let closed = 0;
    for (const conn of this.getConnections<MemberState>()) {
      const state = conn.state;
      if (state?.userId !== userId || (sessionId && state.sessionId !== sessionId)) continue;
      conn.close(CLOSE.revoked, reason);
      closed++;
    }
    return closed;
  }

  /** Who is connected right now, one entry per socket. */
  async connectedMembers(): Promise<MemberState[]> {
    return [...this.getConnections<MemberState>()].flatMap((c) => (c.state ? [c.state] : []));
  }
}
