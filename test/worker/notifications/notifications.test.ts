import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { notify } from "../../../worker/notifications/notification-inbox";
import { addMember, api, expectError, registerAccount } from "../../helpers";

describe("notifications", () => {
  it("lists a member's own notifications, counts unread and marks them read", async () => {
    const owner = await registerAccount("nt");
    const agent = await addMember(owner, "agent");
    const first = await notify(env, owner.orgId, agent.userId, { type: "test", title: "One" });
    await notify(env, owner.orgId, agent.userId, { type: "test", title: "Two", link: "/x" });
    await notify(env, owner.orgId, owner.userId, { type: "test", title: "Owner's" });
    const list = await api("/api/notifications", { token: agent.token });
    expect(list.body.data.map((n: { title: string }) => n.title)).toEqual(["Two", "One"]);
    expect(list.body.meta).toMatchObject({ total: 2, unread: 2 });
    const read = await api(`/api/notifications/${first!.id}/read`, { method: "POST", token: agent.token });
    expect(read.body.data.readAt).toBeTypeOf("number");
    expect((await api("/api/notifications/unread-count", { token: agent.token })).body.data.unread).toBe(1);
    expect((await api("/api/notifications?unread=true", { token: agent.token })).body.data.map((n: { title: string }) => n.title)).toEqual(["Two"]);
    expectError(await api(`/api/notifications/${first!.id}/read`, { method: "POST", token: owner.token }), 404, "not_found");
    expect((await api("/api/notifications/read-all", { method: "POST", token: agent.token })).body.data.marked).toBe(1);
    expect((await api("/api/notifications/unread-count", { token: agent.token })).body.data.unread).toBe(0);
    expect((await api("/api/notifications/unread-count", { token: owner.token })).body.data.unread).toBe(1);
  });
});
