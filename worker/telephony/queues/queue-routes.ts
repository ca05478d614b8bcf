import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { actorOf } from "../../platform/records";
import { publishEvent } from "../../platform/room-rpc";
import {
  agentsToRing,
  createQueue,
  deleteQueue,
  getQueue,
  listQueues,
  removeQueueMember,
  updateQueue,
  upsertQueueMember,
} from "./call-queues";
import { AGENT_STATUSES, QUEUE_OVERFLOWS, QUEUE_STRATEGIES } from "../../../schema";

const tags = ["Telephony"];
const security = [{ bearerAuth: [] }];

function scope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, actor: actorOf(auth, c.get("requestId")) };
}

const MemberSchema = z.object({
  userId: z.string(),
  priority: z.number().int(),
  status: z.enum(AGENT_STATUSES),
  idleSince: z.number().int().nullable(),
});

const QueueSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    strategy: z.enum(QUEUE_STRATEGIES),
    ringTimeoutSeconds: z.number().int(),
    maxWaitSeconds: z.number().int(),
    overflowAction: z.enum(QUEUE_OVERFLOWS),
    overflowTarget: z.string().nullable(),
    lastAssignedUserId: z.string().nullable(),
    members: z.array(MemberSchema),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("CallQueue");

const MemberInput = z.object({ userId: z.string().min(1).max(64), priority: z.number().int().min(0).max(100).optional() }).strict();

const fields = {
  name: z.string().trim().min(1).max(100),
  strategy: z.enum(QUEUE_STRATEGIES).optional(),
  ringTimeoutSeconds: z.number().int().min(5).max(300).optional(),
  maxWaitSeconds: z.number().int().min(10).max(7200).optional(),
  overflowAction: z.enum(QUEUE_OVERFLOWS).optional(),
  overflowTarget: z.string().trim().min(1).max(64).nullable().optional().openapi({ description: "Queue id (overflow queue) or phone number (overflow number)" }),
  members: z.array(MemberInput).max(200).optional(),
};

const UserParam = IdParam.extend({ userId: z.string().min(1).max(64).openapi({ param: { name: "userId", in: "path" } }) });

const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security, middleware: [requirePermission("telephony:read")] as const,
    summary: "Call queues with their members and members' availability",
    responses: { 200: jsonResponse(envelope(z.array(QueueSchema)), "Queues"), ...standardErrors },
  }),
  create: createRoute({
    method: "post", path: "/", tags, security, middleware: [requirePermission("telephony:manage")] as const,
    summary: "Create a queue (strategy ring_all, round_robin or longest_idle)",
    request: jsonBody(z.object(fields).strict()),
    responses: { 201: jsonResponse(envelope(QueueSchema), "Created"), 409: jsonResponse(z.any(), "Name taken"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/{id}", tags, security, middleware: [requirePermission("telephony:read")] as const,
    summary: "One queue",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(QueueSchema), "Queue"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch", path: "/{id}", tags, security, middleware: [requirePermission("telephony:manage")] as const,
    summary: "Change a queue; `members` replaces the member list",
    request: { params: IdParam, ...jsonBody(z.object({ ...fields, name: fields.name.optional() }).strict()) },
    responses: { 200: jsonResponse(envelope(QueueSchema), "Updated"), 409: jsonResponse(z.any(), "Name taken"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete", path: "/{id}", tags, security, middleware: [requirePermission("telephony:manage")] as const,
    summary: "Delete a queue (its calls keep their history)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
  addMember: createRoute({
    method: "post", path: "/{id}/members", tags, security, middleware: [requirePermission("telephony:manage")] as const,
    summary: "Add a member to the queue, or change their priority",
    request: { params: IdParam, ...jsonBody(MemberInput) },
    responses: { 200: jsonResponse(envelope(QueueSchema), "Queue"), ...standardErrors },
  }),
  removeMember: createRoute({
    method: "delete", path: "/{id}/members/{userId}", tags, security, middleware: [requirePermission("telephony:manage")] as const,
    summary: "Remove a member from the queue",
    request: { params: UserParam },
    responses: { 200: jsonResponse(envelope(QueueSchema), "Queue"), ...standardErrors },
  }),
  next: createRoute({
    method: "get", path: "/{id}/next", tags, security, middleware: [requirePermission("telephony:read")] as const,
    summary: "Who the queue would ring now, by its strategy and the members' availability",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.object({ userIds: z.array(z.string()) })), "Agents to ring"), ...standardErrors },
  }),
};

async function announce(c: Context<AppEnv>, queueId: string, change: string) {
  try {
    await publishEvent(c.env, c.get("auth").orgId, "queue_updated", { queueId, change });
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "queue event failed", err: String(err) }));
  }
}

export const telephonyQueueRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, orgId } = scope(c);
    return ok(c, await listQueues(db, orgId), { status: 200 });
  })
  .openapi(routes.create, async (c) => {
    const { db, orgId, actor } = scope(c);
    const queue = await createQueue(db, orgId, actor, c.req.valid("json"));
    await announce(c, queue.id, "created");
    return ok(c, queue, { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId } = scope(c);
    return ok(c, await getQueue(db, orgId, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = scope(c);
    const queue = await updateQueue(db, orgId, actor, c.req.valid("param").id, c.req.valid("json"));
    await announce(c, queue.id, "updated");
    return ok(c, queue, { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = scope(c);
    const id = c.req.valid("param").id;
    await deleteQueue(db, orgId, actor, id);
    await announce(c, id, "deleted");
    return ok(c, null, { status: 200, message: "Queue deleted" });
  })
  .openapi(routes.addMember, async (c) => {
    const { db, orgId, actor } = scope(c);
    const queue = await upsertQueueMember(db, orgId, actor, c.req.valid("param").id, c.req.valid("json"));
    await announce(c, queue.id, "members");
    return ok(c, queue, { status: 200 });
  })
  .openapi(routes.removeMember, async (c) => {
    const { db, orgId, actor } = scope(c);
    const { id, userId } = c.req.valid("param");
    const queue = await removeQueueMember(db, orgId, actor, id, userId);
    await announce(c, queue.id, "members");
    return ok(c, queue, { status: 200 });
  })
  .openapi(routes.next, async (c) => {
    const { db, orgId } = scope(c);
    return ok(c, { userIds: await agentsToRing(db, orgId, c.req.valid("param").id) }, { status: 200 });
  });
