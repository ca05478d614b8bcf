import { describe, expect, it } from "vitest";
import { anyWordMatches, significantTerms } from "../../../worker/support/knowledge-base/kb-search";
import { plainText, renderMarkdown } from "../../../worker/support/knowledge-base/kb-render";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { auditActions, create } from "../../record-helpers";
import { KB, article, published, list, titles, orgSlug, HOSTILE } from "./kb-helpers";

describe("knowledge base: articles and categories", () => {
  it("creates, reads, edits, publishes, unpublishes and deletes an article, auditing each step", async () => {
    const owner = await registerAccount("kb");
    const category = await create(`${KB}/categories`, owner.token, { name: "Billing & Invoices", description: "Money matters" });
    expect(category).toMatchObject({ name: "Billing & Invoices", slug: "billing-invoices", position: 0, description: "Money matters" });

    const created = await article(owner.token, {
      title: "  Download your invoice ",
      body: "Open **Billing**, then choose *Invoices*.\n\n- PDF\n- CSV",
      categoryId: category.id,
      tags: ["billing", " invoice ", "billing"],
    });
    expect(created).toMatchObject({
      title: "Download your invoice",
      slug: "download-your-invoice",
      status: "draft",
      publishedAt: null,
      authorId: owner.userId,
      tags: ["billing", "invoice"],
      category: { id: category.id, name: "Billing & Invoices", slug: "billing-invoices" },
    });
    expect(created.html).toContain("<strong>Billing</strong>");
    expect(created.html).toContain("<li>PDF</li>");
    expect(created).not.toHaveProperty("orgId");
    expect(created).not.toHaveProperty("bodyText");

    const patched = await api(`${KB}/articles/${created.id}`, { method: "PATCH", token: owner.token, body: { title: "Download an invoice", categoryId: null } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.data).toMatchObject({ title: "Download an invoice", slug: "download-your-invoice", categoryId: null, category: null });

    const pub = await api(`${KB}/articles/${created.id}/publish`, { method: "POST", token: owner.token });
    expect(pub.body.data.status).toBe("published");
    const firstPublished = pub.body.data.publishedAt;
    expect(typeof firstPublished).toBe("number");
    const unpub = await api(`${KB}/articles/${created.id}/unpublish`, { method: "POST", token: owner.token });
    expect(unpub.body.data).toMatchObject({ status: "draft", publishedAt: firstPublished });

    const got = await api(`${KB}/articles/${created.id}`, { token: owner.token });
    expect(got.body.data.body).toContain("**Billing**");

    expect((await api(`${KB}/articles/${created.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api(`${KB}/articles/${created.id}`, { token: owner.token }), 404, "not_found");
    expect(await auditActions(owner.token, "kb_article", created.id)).toEqual(["delete", "unpublish", "publish", "update", "create"]);
  });

  it("manages categories in order, and keeps articles when their category goes", async () => {
    const owner = await registerAccount("kbcat");
    const a = await create(`${KB}/categories`, owner.token, { name: "Getting started" });
    const b = await create(`${KB}/categories`, owner.token, { name: "Account" });
    expect(b.position).toBe(1);
    await api(`${KB}/categories/${b.id}`, { method: "PATCH", token: owner.token, body: { position: 0, name: "Your account" } });
    await api(`${KB}/categories/${a.id}`, { method: "PATCH", token: owner.token, body: { position: 5 } });
    const art = await article(owner.token, { title: "Invite your team", categoryId: a.id });
    const cats = await api(`${KB}/categories`, { token: owner.token });
    expect(cats.body.data.map((c: { name: string }) => c.name)).toEqual(["Your account", "Getting started"]);
    expect(cats.body.data[1]).toMatchObject({ articleCount: 1, publishedCount: 0 });

    expectError(await api(`${KB}/categories/${b.id}`, { method: "PATCH", token: owner.token, body: { slug: a.slug } }), 409, "conflict");
    expect((await api(`${KB}/categories/${a.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expect((await api(`${KB}/articles/${art.id}`, { token: owner.token })).body.data.categoryId).toBeNull();
    expect(await auditActions(owner.token, "kb_category", a.id)).toEqual(["delete", "update", "create"]);
  });

  it("answers validation errors and slug conflicts", async () => {
    const owner = await registerAccount("kbval");
    const other = await registerAccount("kbval2");
    const theirs = await create(`${KB}/categories`, other.token, { name: "Theirs" });

    const bad = await api(`${KB}/articles`, { token: owner.token, body: { body: 42, slug: "Not A Slug", status: "archived", extra: 1 } });
    expectError(bad, 400, "validation_error");
    expect(Object.keys(bad.body.error.details)).toEqual(expect.arrayContaining(["title", "body", "slug", "status"]));
    expectError(await api(`${KB}/articles`, { token: owner.token, body: { title: "   " } }), 400, "validation_error");
    expectError(await api(`${KB}/articles`, { token: owner.token, body: { title: "x", body: "y".repeat(100_001) } }), 400, "validation_error");
    const foreign = await api(`${KB}/articles`, { token: owner.token, body: { title: "x", categoryId: theirs.id } });
    expectError(foreign, 400, "validation_error");
    expect(foreign.body.error.details).toHaveProperty("categoryId");
    expectError(await list(owner.token, "sort=bogus"), 400, "validation_error");
    expectError(await list(owner.token, "status=archived"), 400, "validation_error");
    expectError(await api(`${KB}/categories`, { token: owner.token, body: { name: "" } }), 400, "validation_error");

    const first = await article(owner.token, { title: "Reset your password" });
    const second = await article(owner.token, { title: "Reset your password!" });
    expect([first.slug, second.slug]).toEqual(["reset-your-password", "reset-your-password-2"]);
    expectError(await api(`${KB}/articles`, { token: owner.token, body: { title: "Other", slug: "reset-your-password" } }), 409, "conflict");
    expectError(await api(`${KB}/articles/${second.id}`, { method: "PATCH", token: owner.token, body: { slug: first.slug } }), 409, "conflict");
    // The same slug in another organization is fine.
    expect((await article(other.token, { title: "Reset your password" })).slug).toBe("reset-your-password");
  });

  it("lets agents draft, managers and admins publish, and viewers only read", async () => {
    const owner = await registerAccount("kbrole");
    const [admin, manager, agent, agent2, viewer] = await Promise.all([
      addMember(owner, "admin"),
      addMember(owner, "manager"),
      addMember(owner, "agent"),
      addMember(owner, "agent", "agent2"),
      addMember(owner, "viewer"),
    ]);
    expectError(await api(`${KB}/articles`, { token: viewer.token, body: { title: "Nope" } }), 403, "forbidden");
    expectError(await api(`${KB}/categories`, { token: agent.token, body: { name: "Nope" } }), 403, "forbidden");
    expectError(await api(`${KB}/articles`, { token: agent.token, body: { title: "Straight out", status: "published" } }), 403, "forbidden");

    const draft = await article(agent.token, { title: "Agent draft", body: "first" });
    expect(draft).toMatchObject({ status: "draft", authorId: agent.userId });
    const edit = await api(`${KB}/articles/${draft.id}`, { method: "PATCH", token: agent2.token, body: { body: "improved" } });
    expect(edit.status).toBe(200);
    expectError(await api(`${KB}/articles/${draft.id}/publish`, { method: "POST", token: agent.token }), 403, "forbidden");
    expectError(await api(`${KB}/articles/${draft.id}`, { method: "DELETE", token: agent2.token }), 403, "forbidden");
    expectError(await api(`${KB}/articles/${draft.id}`, { method: "PATCH", token: viewer.token, body: { title: "x" } }), 403, "forbidden");

    expect((await api(`${KB}/articles/${draft.id}/publish`, { method: "POST", token: manager.token })).body.data.status).toBe("published");
    expectError(await api(`${KB}/articles/${draft.id}`, { method: "PATCH", token: agent.token, body: { body: "sneaky" } }), 403, "forbidden");
    expectError(await api(`${KB}/articles/${draft.id}`, { method: "DELETE", token: agent.token }), 403, "forbidden");
    expect((await api(`${KB}/articles/${draft.id}`, { method: "PATCH", token: admin.token, body: { body: "edited live" } })).status).toBe(200);
    expect((await api(`${KB}/articles/${draft.id}`, { token: viewer.token })).body.data.body).toBe("edited live");
    expect((await list(viewer.token)).body.data).toHaveLength(1);
    expect((await api(`${KB}/categories`, { token: viewer.token })).status).toBe(200);
    expect((await create(`${KB}/categories`, manager.token, { name: "Manager made" })).slug).toBe("manager-made");

    const own = await article(agent.token, { title: "Short-lived" });
    expect((await api(`${KB}/articles/${own.id}`, { method: "DELETE", token: agent.token })).status).toBe(200);
    expectError(await api(`${KB}/articles`, { body: { title: "anon" } }), 401, "unauthorized");
  });

  it("answers 404 for another organization's articles and categories", async () => {
    const a = await registerAccount("kbten");
    const b = await registerAccount("kbten2");
    const mine = await published(a.token, { title: "Private to A", body: "secret sauce" });
    const cat = await create(`${KB}/categories`, a.token, { name: "A only" });
    for (const [method, path, body] of [
      ["GET", `${KB}/articles/${mine.id}`, undefined],
      ["PATCH", `${KB}/articles/${mine.id}`, { title: "hijack" }],
      ["DELETE", `${KB}/articles/${mine.id}`, undefined],
      ["POST", `${KB}/articles/${mine.id}/publish`, undefined],
      ["POST", `${KB}/articles/${mine.id}/unpublish`, undefined],
      ["PATCH", `${KB}/categories/${cat.id}`, { name: "hijack" }],
      ["DELETE", `${KB}/categories/${cat.id}`, undefined],
    ] as const) {
      expectError(await api(path, { method, token: b.token, body }), 404, "not_found");
    }
    expect((await list(b.token, "q=secret")).body.data).toEqual([]);
    expect((await api(`${KB}/suggest?text=secret%20sauce`, { token: b.token })).body.data).toEqual([]);
    expect((await api(`${KB}/articles/${mine.id}`, { token: a.token })).body.data.title).toBe("Private to A");
  });
});

describe("knowledge base: search and suggestions", () => {
  it("finds articles by word prefix, ranks title matches first and filters", async () => {
    const owner = await registerAccount("kbfts");
    const cat = await create(`${KB}/categories`, owner.token, { name: "Security" });
    const body = await published(owner.token, { title: "Two-step sign-in", body: "You will need your password and a code from the app." });
    const title = await published(owner.token, { title: "Change your password", body: "Open settings.", categoryId: cat.id });
    const tagged = await article(owner.token, { title: "Locked out", body: "Ask an admin.", tags: ["passwords"] });

    for (const q of ["pa", "pass", "passw", "PASSWORD", "Passwörd"]) {
      const res = await list(owner.token, `q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.body.data[0]?.id, q).toBe(title.id);
    }
    const all = await list(owner.token, "q=passw");
    expect(all.body.data.map((a: { id: string }) => a.id)).toEqual([title.id, tagged.id, body.id]);
    expect(all.body.meta).toEqual({ page: 1, per_page: 25, total: 3 });
    expect(all.body.data[0].score).toBeGreaterThan(all.body.data[2].score);
    expect(all.body.data[2].snippetHtml).toContain("<mark>password</mark>");
    expect(all.body.data[0]).not.toHaveProperty("body");

    expect(titles(await list(owner.token, "q=password%20code"))).toEqual(["Two-step sign-in"]);
    expect((await list(owner.token, "q=password%20zebra")).body.data).toEqual([]);
    expect(titles(await list(owner.token, "q=passw&status=draft"))).toEqual(["Locked out"]);
    expect(titles(await list(owner.token, `q=passw&categoryId=${cat.id}`))).toEqual(["Change your password"]);
    expect(titles(await list(owner.token, "categoryId=none&sort=title"))).toEqual(["Locked out", "Two-step sign-in"]);
    expect(titles(await list(owner.token, "tag=passwords"))).toEqual(["Locked out"]);
    expect(titles(await list(owner.token, "sort=-title&per_page=2&page=2"))).toEqual(["Change your password"]);
    expect(titles(await list(owner.token, "q=passw&sort=title"))).toEqual(["Change your password", "Locked out", "Two-step sign-in"]);

    await api(`${KB}/articles/${title.id}`, { method: "PATCH", token: owner.token, body: { title: "Rotate credentials", body: "Open settings." } });
    expect(titles(await list(owner.token, "q=rotat"))).toEqual(["Rotate credentials"]);
    expect(titles(await list(owner.token, "q=passw"))).not.toContain("Rotate credentials");
    await api(`${KB}/articles/${tagged.id}`, { method: "DELETE", token: owner.token });
    expect(titles(await list(owner.token, "q=passw"))).toEqual(["Two-step sign-in"]);
  });

  it("suggests published articles for a free text, best match first", async () => {
    const owner = await registerAccount("kbsug");
    const reset = await published(owner.token, { title: "Reset your password", body: "Click **Forgot password** on the sign-in page; the reset email arrives within a minute." });
    const invoice = await published(owner.token, { title: "Download invoices", body: "Invoices are under Billing." });
    await published(owner.token, { title: "Export contacts", body: "Use the CSV export." });
    await article(owner.token, { title: "Password policy (draft)", body: "Internal: password resetting rules." });

    const res = await api(`${KB}/suggest?text=${encodeURIComponent("Hi there, I tried resetting my password but no email arrived. Thanks!")}`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.data[0]).toMatchObject({ id: reset.id, title: "Reset your password", url: `/help/${await orgSlug(owner)}/articles/reset-your-password` });
    expect(res.body.data.map((a: { title: string }) => a.title)).not.toContain("Password policy (draft)");
    expect(res.body.data.map((a: { id: string }) => a.id)).not.toContain(invoice.id);

    const plural = await api(`${KB}/suggest?text=${encodeURIComponent("where is my invoice?")}&limit=1`, { token: owner.token });
    expect(plural.body.data.map((a: { id: string }) => a.id)).toEqual([invoice.id]);
    expect((await api(`${KB}/suggest?text=${encodeURIComponent("hi, can you please help me?")}`, { token: owner.token })).body.data).toEqual([]);
    expect((await api(`${KB}/suggest?text=`, { token: owner.token })).body.data).toEqual([]);
    expectError(await api(`${KB}/suggest?text=x&limit=11`, { token: owner.token }), 400, "validation_error");
  });

  it("builds suggestion queries from significant words only, always quoted", () => {
    expect(significantTerms("Hi, I can't reset my passwords after updating the app!")).toEqual(["reset", "password", "updat", "app"]);
    const expr = anyWordMatches("org-1", 'he said "NEAR(x) OR title:*" -- ok');
    expect(expr).toBe('org_id : "org-1" AND {title body tags} : ("said"* OR "near"* OR "title"*)');
    expect(anyWordMatches("org-1", "the and or")).toBeNull();
  });

  it("never answers 500, whatever is typed into search or suggest", async () => {
    const owner = await registerAccount("kbhostile");
    await published(owner.token, { title: "Reset your password", body: "Use the reset link." });
    for (const q of HOSTILE) {
      const enc = encodeURIComponent(q);
      const searched = await list(owner.token, `q=${enc}`);
      expect(searched.status, `q=${JSON.stringify(q)}`).toBe(200);
      const suggested = await api(`${KB}/suggest?text=${enc}`, { token: owner.token });
      expect(suggested.status, `text=${JSON.stringify(q)}`).toBe(200);
    }
    expect(titles(await list(owner.token, `q=${encodeURIComponent('"reset')}`))).toEqual(["Reset your password"]);
    expect((await api(`${KB}/suggest?text=${encodeURIComponent("((reset* OR")}`, { token: owner.token })).body.data[0].title).toBe("Reset your password");
    expectError(await list(owner.token, `q=${"a".repeat(201)}`), 400, "validation_error");
  });
});

describe("knowledge base: sanitizing", () => {
  const HOSTILE_BODY = [
    "# Hello",
    "<script>window.__pwned = 1</script>",
    '<img src="x" onerror="window.__pwned = 2">',
    '<img src="javascript:alert(1)">',
    "[click me](javascript:window.__pwned=3)",
    '<a href="JaVaScRiPt:alert(4)">caps</a>',
    '<a href="&#106;avascript:alert(5)">entity</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(6)"><circle r="1"/></svg>',
    '<p style="background:url(javascript:alert(7))" onclick="alert(8)">styled</p>',
    '<form action="https://evil.example"><button formaction="javascript:alert(9)">go</button></form>',
    "[safe link](https://example.com/help) and **bold** and `code`",
    "```js\nconst x = '<script>alert(10)</script>';\n```",
  ].join("\n\n");

  it("renders Markdown with scripts, handlers, styles and unsafe URLs removed", async () => {
    const owner = await registerAccount("kbxss");
    const created = await article(owner.token, { title: "Hostile", body: HOSTILE_BODY });
    const html: string = created.html;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son\w+=/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/<iframe|<svg|<form|<button|style=|data:text/i);
    expect(html).toContain('<a href="https://example.com/help">safe link</a>');
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<h1>Hello</h1>");
    // Code stays visible as text, escaped.
    expect(html).toContain("&lt;script&gt;alert(10)&lt;/script&gt;");
    expect(html).toContain('<code class="language-js">');
    // Script bodies are not text either: nobody can search for them.
    expect((await list(owner.token, "q=pwned")).body.data).toEqual([]);
  });

  it("sanitizes in the render functions themselves", () => {
    expect(renderMarkdown('See <img src="https://cdn.example/a.png" onerror="x()" alt="A">')).toBe('<p>See <img src="https://cdn.example/a.png" alt="A"></p>\n');
    expect(renderMarkdown('<img src="http://cdn.example/a.png">')).toBe("<img>");
    expect(renderMarkdown("[x](javascript:alert(1))")).toBe('<p><a href="#">x</a></p>\n');
    expect(renderMarkdown("- [x] done")).toContain('<input checked disabled type="checkbox">');
    expect(plainText("**Bold** &amp; <em>ok</em>\n\n<script>evil()</script>Tom's")).toBe("Bold & ok Tom's");
  });

  it("treats protocol-relative and backslash links as the external hosts browsers resolve them to", () => {
    const hostile = ["//evil.example/x", "/\\evil.example", "\\\\evil.example", "\\/evil.example", "/&#92;evil.example", " //evil.example"];
    for (const href of hostile) {
      expect(renderMarkdown(`<a href="${href}">x</a>`), href).toBe('<p><a href="#">x</a></p>\n');
      expect(renderMarkdown(`<img src="${href}/p.png">`), href).toBe("<img>");
    }
    expect(renderMarkdown("[x](//evil.example)")).toBe('<p><a href="#">x</a></p>\n');
    for (const href of ["/help/reset", "./reset-your-password", "../billing", "#steps", "https://example.com/help"]) {
      expect(renderMarkdown(`<a href="${href}">x</a>`), href).toBe(`<p><a href="${href}">x</a></p>\n`);
    }
  });
});
