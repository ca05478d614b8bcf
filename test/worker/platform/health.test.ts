import { describe, expect, it } from "vitest";
import { api } from "../../helpers";

describe("health", () => {
  it("answers without auth and carries a request id", async () => {
    const res = await api("/api/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, data: { status: "ok" } });
    expect(res.headers.get("x-request-id")).toMatch(/.{8,}/);
  });
});
