import { describe, expect, it } from "vitest";
import { api, expectError } from "../../helpers";

/** Every CRM route, as the OpenAPI document names it. */
const ROUTES: [method: string, path: string, tag: string][] = [
  ["get", "/api/companies", "Companies"],
  ["post", "/api/companies", "Companies"],
  ["get", "/api/companies/{id}", "Companies"],
  ["patch", "/api/companies/{id}", "Companies"],
  ["delete", "/api/companies/{id}", "Companies"],
  ["get", "/api/contacts", "Contacts"],
  ["post", "/api/contacts", "Contacts"],
  ["get", "/api/contacts/{id}", "Contacts"],
  ["patch", "/api/contacts/{id}", "Contacts"],
  ["delete", "/api/contacts/{id}", "Contacts"],
  ["get", "/api/leads", "Leads"],
  ["post", "/api/leads", "Leads"],
  ["get", "/api/leads/{id}", "Leads"],
  ["patch", "/api/leads/{id}", "Leads"],
  ["delete", "/api/leads/{id}", "Leads"],
  ["get", "/api/pipelines", "Pipelines"],
  ["post", "/api/pipelines", "Pipelines"],
  ["get", "/api/pipelines/{id}", "Pipelines"],
  ["patch", "/api/pipelines/{id}", "Pipelines"],
  ["delete", "/api/pipelines/{id}", "Pipelines"],
  ["post", "/api/pipelines/{id}/stages", "Pipelines"],
  ["put", "/api/pipelines/{id}/stages/order", "Pipelines"],
  ["patch", "/api/pipelines/{id}/stages/{stageId}", "Pipelines"],
  ["delete", "/api/pipelines/{id}/stages/{stageId}", "Pipelines"],
  ["get", "/api/activities", "Activities"],
  ["post", "/api/activities", "Activities"],
  ["get", "/api/activities/{id}", "Activities"],
  ["patch", "/api/activities/{id}", "Activities"],
  ["delete", "/api/activities/{id}", "Activities"],
  ["get", "/api/search", "Search"],
  ["get", "/api/companies/export.csv", "Companies"],
  ["get", "/api/contacts/export.csv", "Contacts"],
  ["get", "/api/leads/export.csv", "Leads"],
  ["post", "/api/imports", "Imports"],
];

describe("CRM routes", () => {
  it("are all in the OpenAPI document, tagged and secured", async () => {
    const doc = await api("/api/openapi.json");
    expect(doc.status).toBe(200);
    const paths = (doc.body as unknown as { paths: Record<string, Record<string, { tags: string[]; security: unknown[] }>> }).paths;
    for (const [method, path, tag] of ROUTES) {
      const op = paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op!.tags).toEqual([tag]);
      expect(op!.security).toEqual([{ bearerAuth: [] }]);
    }
  });

  it("all require a signed-in member", async () => {
    for (const [method, path] of ROUTES) {
      const url = path.replace("{id}", crypto.randomUUID()).replace("{stageId}", crypto.randomUUID());
      const res = await api(url, { method: method.toUpperCase(), body: method === "get" || method === "delete" ? undefined : {} });
      expectError(res, 401, "unauthorized");
    }
  });
});
