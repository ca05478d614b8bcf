import { describe, expect, it } from "vitest";
import { renderTemplate, renderValue, templateScope } from "../../../worker/automation/workflows/actions/action-templates";
import { addMember, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords } from "../../record-helpers";
import { actionContext } from "./actions-fixture";

describe("renderTemplate", () => {
  const scope = { title: "Renewal <Q3>", amount: 1200, tags: ["a", "b"], company: { name: "Acme & Sons" }, owner: null, nested: { deep: { x: 1 } } };

  it("fills paths, renders unknown ones and objects empty, and joins lists", () => {
    expect(renderTemplate("{{ title }} for {{company.name}} ({{amount}}) [{{tags}}]", scope)).toBe("Renewal <Q3> for Acme & Sons (1200) [a, b]");
    expect(renderTemplate("x{{missing}}y{{owner.name}}z{{nested.deep}}{{title.length}}", scope)).toBe("xyz");
  });

  it("escapes only what it fills in when the target is HTML", () => {
    expect(renderTemplate("<p>{{title}} by {{company.name}}</p>", scope, { html: true })).toBe("<p>Renewal &lt;Q3&gt; by Acme &amp; Sons</p>");
  });

  it("keeps a whole-placeholder value's type for fields", () => {
    expect(renderValue("{{amount}}", scope)).toBe(1200);
    expect(renderValue("{{missing}}", scope)).toBeNull();
    expect(renderValue("Total {{amount}}", scope)).toBe("Total 1200");
    expect(renderValue(7, scope)).toBe(7);
  });
});

describe("templateScope", () => {
  it("reads linked records and the owner with the workflow owner's visibility", async () => {
    const owner = await registerAccount();
    const agent = await addMember(owner, "agent");
    await restrictToOwnRecords(owner);
    const hidden = await create("/api/companies", owner.token, { name: "Hidden Co" });
    const contact = await create("/api/contacts", agent.token, { firstName: "Vis", lastName: "Ible", email: "vis@example.com" });
    const deal = await create("/api/deals", agent.token, { title: "Agent deal", companyId: hidden.id, contactId: contact.id });
    const scope = await templateScope(await actionContext(agent, "deal", deal));
    expect(renderTemplate("{{title}}|{{company.name}}|{{contact.name}}|{{contact.email}}|{{owner.name}}", scope)).toBe("Agent deal||Vis Ible|vis@example.com|agent person");

    const asOwner = await templateScope(await actionContext(owner, "deal", deal));
    expect(renderTemplate("{{company.name}}", asOwner)).toBe("Hidden Co");
  });
});
