import { generateKeyBetween } from "fractional-indexing";
import * as Y from "yjs";
import type { Role } from "../schema";
import { can } from "../worker/platform/permissions";
import { BOARD_DEALS, CLIENT_EDITABLE, MANAGER_ONLY, type DealRecord } from "../schema/board-document";
import { DealStateSchema, type DealState } from "../schema/board-deal-schema";
import { dealMap, readDeal, writeDeal } from "./board-cards";

/** Transaction origin of the room's own writes (API calls, reverts, closing deals). */
export const SERVER_ORIGIN = Symbol("server");

/** What the room must know to judge an edit: which stage is in which pipeline, and who is a member. */
export interface Directory {
  stages: Map<string, string>;
  members: Map<string, Role>;
}

export async function loadDirectory(db: D1Database, orgId: string): Promise<Directory> {
  const [stages, members] = await db.batch<{ id?: string; pipeline_id?: string; user_id?: string; role?: Role }>([
    db.prepare(`SELECT id, pipeline_id FROM stages WHERE org_id = ?`).bind(orgId),
    db.prepare(`SELECT user_id, role FROM memberships WHERE org_id = ?`).bind(orgId),
  ]);
  return {
    stages: new Map(stages!.results.map((r) => [r.id!, r.pipeline_id!])),
    members: new Map(members!.results.map((r) => [r.user_id!, r.role!])),
  };
}

export interface Author {
  userId: string;
  role: Role;
}

export type Verdict = { ok: true; deal: DealRecord } | { ok: false; message: string; unsure: boolean };

export interface Rejection {
  id: string;
  message: string;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The board document and the rules it keeps. A Yjs client is trusted no more
 * than a REST client: every deal a client transaction touches is checked
 * against the schema, the directory and the author's role, and put back to
 * its last valid state if it fails.
 */
export class Board {
  readonly deals: Y.Map<Y.Map<unknown>>;
  private readonly lastValid = new Map<string, DealState>();
  directory: Directory = { stages: new Map(), members: new Map() };

  constructor(private readonly doc: Y.Doc) {
    this.deals = doc.getMap(BOARD_DEALS);
  }

  /** Takes the loaded document as the valid baseline. */
  baseline() {
    this.lastValid.clear();
    this.deals.forEach((map, id) => {
      const parsed = DealStateSchema.safeParse(readDeal(map));
      if (parsed.success) this.lastValid.set(id, parsed.data);
    });
  }

  size() {
    return this.deals.size;
  }

  get(id: string): DealRecord | undefined {
    const state = this.lastValid.get(id);
    return state ? { id, ...state } : undefined;
  }

  /** Ids of the deals a transaction added, removed or changed. */
  changedIds(tr: Y.Transaction): Set<string> {
    const ids = new Set<string>();
    tr.changed.forEach((keys, type) => {
      if ((type as unknown) === this.deals) keys.forEach((k) => k !== null && ids.add(k));
      else if (type.parent === this.deals && type._item?.parentSub) ids.add(type._item.parentSub);
    });
    return ids;
  }

  /** Judges the current state of one deal as edited by `author`. */
  judge(id: string, author: Author): Verdict | { ok: true; deal: null } {
    const map = this.deals.get(id);
    const previous = this.lastValid.get(id);
    if (!(map instanceof Y.Map)) {
      return previous ? { ok: false, unsure: false, message: "Deals leave the board through the API" } : { ok: true, deal: null };
    }
    const parsed = DealStateSchema.safeParse(readDeal(map));
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "deal"))].join(", ");
      return { ok: false, unsure: false, message: `Invalid ${fields}` };
    }
    const next = parsed.data;
    if (previous) {
      for (const key of Object.keys(next) as (keyof DealState)[]) {
        if (sameValue(next[key], previous[key])) continue;
        if (!CLIENT_EDITABLE.has(key)) return { ok: false, unsure: false, message: `${key} can only be changed through the API` };
        if (MANAGER_ONLY.has(key) && !can(author.role, "records:reassign")) {
          return { ok: false, unsure: false, message: "Only managers can reassign a deal" };
        }
      }
    } else if (next.createdBy !== author.userId || next.contactId || next.companyId || next.leadId || next.status !== "open") {
      return { ok: false, unsure: false, message: "A new card must be an open deal created by you, without links" };
    }
    if (!previous && next.ownerId !== author.userId && !can(author.role, "records:reassign")) {
      return { ok: false, unsure: false, message: "Only managers can give a new card to someone else" };
    }
    return this.checkDirectory(id, next);
  }

  /**
   * Judges several deals, handing each valid change to `commit` as soon as it
   * is judged. With `deferUnsure`, a deal the directory may not know yet is
   * set aside for a recheck after a reload instead of being rejected.
   */
  judgeAll(ids: Iterable<string>, author: Author, commit: (deal: DealRecord) => void, deferUnsure: boolean) {
    const rejected: Rejection[] = [];
    const unsure: string[] = [];
    for (const id of ids) {
      const verdict = this.judge(id, author);
      if (verdict.ok) {
        if (verdict.deal) commit(verdict.deal);
      } else if (deferUnsure && verdict.unsure) unsure.push(id);
      else rejected.push({ id, message: verdict.message });
    }
    return { rejected, unsure };
  }

  checkDirectory(id: string, state: DealState): Verdict {
    const pipelineOfStage = this.directory.stages.get(state.stageId);
    if (pipelineOfStage !== state.pipelineId) {
      return { ok: false, unsure: pipelineOfStage === undefined, message: "Unknown stage for this deal's pipeline" };
    }
    if (state.ownerId && !this.directory.members.has(state.ownerId)) {
      return { ok: false, unsure: true, message: "The owner is not a member of this organization" };
    }
    return { ok: true, deal: { id, ...state } };
  }

  /** Marks a judged state as the new baseline. */
  accept(deal: DealRecord) {
    const { id, ...state } = deal;
    this.lastValid.set(id, state);
  }

  /** Puts a deal back as it last was valid, or removes a card that never was. */
  revert(id: string) {
    const previous = this.lastValid.get(id);
    this.doc.transact(() => {
      const map = this.deals.get(id);
      if (!previous) {
        if (map) this.deals.delete(id);
        return;
      }
      if (!(map instanceof Y.Map)) {
        this.deals.set(id, dealMap(previous));
        return;
      }
      for (const key of [...map.keys()]) if (!(key in previous)) map.delete(key);
      writeDeal(map, previous);
    }, SERVER_ORIGIN);
  }

  /** The room's own write of a deal already validated by the caller. */
  put(deal: DealRecord) {
    const { id, ...state } = deal;
    this.doc.transact(() => {
      const map = this.deals.get(id);
      if (map instanceof Y.Map) writeDeal(map, state);
      else this.deals.set(id, dealMap(state));
    }, SERVER_ORIGIN);
    this.lastValid.set(id, state);
  }

  remove(id: string) {
    this.lastValid.delete(id);
    if (this.deals.has(id)) this.doc.transact(() => this.deals.delete(id), SERVER_ORIGIN);
  }

  /** A fractional key placing a card at `index` among the other cards of a stage. */
  positionAt(stageId: string, index: number, movingId?: string): string {
    const column = [...this.lastValid.entries()]
      .filter(([id, d]) => d.stageId === stageId && id !== movingId)
      .map(([id, d]) => ({ id, position: d.position }))
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : a.id < b.id ? -1 : 1));
    const at = Math.max(0, Math.min(index, column.length));
    const before = column[at - 1]?.position ?? null;
    const after = column[at]?.position ?? null;
    if (before !== null && after !== null && before >= after) return generateKeyBetween(before, null);
    return generateKeyBetween(before, after);
  }

  /** The key after the last card of a stage. */
  endOf(stageId: string, movingId?: string): string {
    return this.positionAt(stageId, Number.MAX_SAFE_INTEGER, movingId);
  }
}
