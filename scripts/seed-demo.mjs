// Seeds the demo organization through the public API, so the demo data is
// exactly what a real user could create. Idempotent: an existing demo
// account is left as it is.
export const DEMO = {
  email: "demo@neuracrm.dev",
  password: "neuracrm-demo-2026",
  name: "Dana Demo",
  organizationName: "Acme Demo",
};

const TEAM = [
  { name: "Marco Manager", email: "marco@neuracrm.dev", role: "manager" },
  { name: "Ava Agent", email: "ava@neuracrm.dev", role: "agent" },
  { name: "Victor Viewer", email: "victor@neuracrm.dev", role: "viewer" },
];

async function call(base, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  return { status: res.status, json };
}

export async function seedDemo(base) {
  const login = await call(base, "/api/auth/login", { email: DEMO.email, password: DEMO.password });
  if (login.status === 200) return { created: false };
  const reg = await call(base, "/api/auth/register", DEMO);
  if (reg.status !== 201) throw new Error(`demo registration failed: ${JSON.stringify(reg.json)}`);
  const token = reg.json.data.accessToken;
  for (const member of TEAM) {
    const inv = await call(base, "/api/organizations/current/invitations", { email: member.email, role: member.role }, token);
    if (inv.status !== 201) throw new Error(`demo invitation failed: ${JSON.stringify(inv.json)}`);
    const link = inv.json.data.acceptUrl.split("/invite/")[1];
    const acc = await call(base, `/api/invitations/${link}/accept`, { name: member.name, password: DEMO.password });
    if (acc.status !== 200) throw new Error(`demo acceptance failed: ${JSON.stringify(acc.json)}`);
  }
  return { created: true };
}
