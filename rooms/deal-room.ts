import type { Connection, ConnectionContext } from "partyserver";
import { YServer } from "y-partyserver";
import type { Env } from "../worker/env";
import { can } from "../worker/lib/permissions";
import { verifyAccessToken } from "../worker/lib/tokens";
import { DocStore } from "./doc-store";
import { CLOSE } from "./events";
import { MEMBER_ROLE_HEADER, ROOM_ORG_HEADER } from "./names";
import type { MemberState } from "./org-room";
import { ROLES, type Role } from "../schema";

const MAX_CONNECTIONS = 50;

/**
 * One room per deal: its collaborative notes (`doc.getXmlFragment("notes")`,
 * edited with Tiptap/ProseMirror) with cursors and names through awareness.
 * The Worker's gate has checked that the deal belongs to the token's
 * organization and is visible to the caller; the room remembers its
 * organization on first use and refuses tokens of any other.
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
    try {
      const claims = await verifyAccessToken(this.env.JWT_SECRET, token);
      if (claims.orgId !== this.organization(ctx.request.headers.get(ROOM_ORG_HEADER))) {
        connection.close(CLOSE.forbidden, "Token is for another organization");
        return;
      }
      const live = ctx.request.headers.get(MEMBER_ROLE_HEADER) as Role | null;
      const role = live && ROLES.includes(live) ? live : claims.role;
      const member: MemberState = { userId: claims.userId, sessionId: claims.sessionId, role, scope: "board" };
      connection.setState(member);
    } catch {
      connection.close(CLOSE.unauthorized, "Invalid or expired token");
      return;
    }
    if ([...this.getConnections()].length > MAX_CONNECTIONS) {
      connection.close(CLOSE.roomFull, "Room is full");
      return;
    }
    return super.onConnect(connection, ctx);
  }

  override isReadOnly(connection: Connection): boolean {
    const state = connection.state as Partial<MemberState> | null;
    return !state?.role || !can(state.role, "room:write");
  }

  override onCustomMessage(): void {}

  /** Forgets everything when the deal is deleted. */
  async destroy(): Promise<void> {
    for (const conn of this.getConnections()) conn.close(CLOSE.revoked, "Deal deleted");
    await this.ctx.storage.deleteAll();
  }
}
