// Deterministic, realistic demo records: a small seeded PRNG and name lists,
// so every fresh demo organization looks the same and looks alive.
export function rng(seed = 42) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas", "Mia", "Mateo",
  "Amelia", "Benjamin", "Harper", "Henry", "Evelyn", "Theodore", "Camila", "Jack", "Aria", "Levi", "Luna", "Alexander",
  "Chloe", "Sebastian", "Nora", "Daniel", "Zoe", "Samuel", "Hannah", "Omar", "Priya", "Wei", "Yuki", "Fatima", "Diego",
  "Ingrid", "Kofi", "Anaya", "Mateus", "Elena", "Tomás", "Aisha", "Jonas", "Sara", "Ravi", "Mei", "Lars", "Noor"];
const LAST = ["Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Lopez",
  "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris",
  "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Hill", "Adams", "Baker",
  "Nakamura", "Okafor", "Schmidt", "Rossi", "Kowalski", "Haddad", "Patel", "Chen", "Silva", "Andersson", "Dubois"];
const COMPANY_A = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Hooli", "Vandelay", "Soylent",
  "Cyberdyne", "Tyrell", "Aperture", "Massive", "Pied Piper", "Gringotts", "Oceanic", "Monarch", "Nakatomi", "Dunder",
  "Blue Sun", "Black Mesa", "Virtucon", "Gekko", "Sterling", "Prestige", "Wernham", "Bluth", "Kramerica", "Oscorp",
  "Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Lucerne", "Woodgrove", "Margie's"];
const COMPANY_B = ["Labs", "Systems", "Logistics", "Health", "Foods", "Energy", "Analytics", "Robotics", "Media", "Capital",
  "Retail", "Networks", "Motors", "Bio", "Cloud", "Studios", "Partners", "Airlines", "Mining", "Security"];
const INDUSTRIES = ["Software", "Logistics", "Healthcare", "Food & Beverage", "Energy", "Financial Services", "Retail",
  "Manufacturing", "Media", "Telecommunications", "Biotech", "Aerospace"];
const TITLES = ["CEO", "CTO", "VP Sales", "Head of Operations", "Procurement Manager", "IT Director", "CFO",
  "Marketing Lead", "Office Manager", "Product Manager", "Engineering Manager", "COO"];
const PRODUCTS = ["Platform license", "Annual renewal", "Expansion", "Pilot", "Support plan", "Enterprise upgrade",
  "Onboarding package", "Data migration", "Call center seats", "Analytics add-on"];
const SOURCES = ["Website", "Referral", "Trade show", "Cold call", "LinkedIn", "Partner", "Webinar"];
const TAGS = ["hot", "enterprise", "smb", "renewal", "upsell", "q4", "strategic", "at-risk"];

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, "");

export function makeCompanies(r, n) {
  const seen = new Set();
  const out = [];
  while (out.length < n) {
    const base = `${r.pick(COMPANY_A)} ${r.pick(COMPANY_B)}`;
    // Past the 800 distinct pairs, a branch number keeps names unique.
    const name = seen.has(base) && seen.size >= COMPANY_A.length * COMPANY_B.length ? `${base} ${out.length}` : base;
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ name, domain: `${slug(name)}.example`, industry: r.pick(INDUSTRIES), size: r.pick(["1-10", "11-50", "51-200", "201-1000", "1000+"]), tags: r.chance(0.3) ? [r.pick(TAGS)] : [] });
  }
  return out;
}

export function makeContacts(r, n, companies) {
  return Array.from({ length: n }, (_, i) => {
    const firstName = r.pick(FIRST);
    const lastName = r.pick(LAST);
    const company = companies[i % companies.length];
    return {
      firstName,
      lastName,
      email: `${slug(firstName)}.${slug(lastName)}${i}@${company.domain}`,
      phone: `+1 (${r.int(201, 989)}) ${r.int(200, 999)}-${String(r.int(0, 9999)).padStart(4, "0")}`,
      title: r.pick(TITLES),
      companyIndex: i % companies.length,
      source: r.pick(SOURCES),
      tags: r.chance(0.2) ? [r.pick(TAGS)] : [],
    };
  });
}

export function makeLeads(r, n) {
  return Array.from({ length: n }, (_, i) => {
    const firstName = r.pick(FIRST);
    const lastName = r.pick(LAST);
    const company = `${r.pick(COMPANY_A)} ${r.pick(COMPANY_B)}`;
    return {
      firstName, lastName, companyName: company, title: r.pick(TITLES), source: r.pick(SOURCES),
      email: `${slug(firstName)}.${slug(lastName)}.lead${i}@${slug(company)}.example`,
      status: r.pick(["new", "new", "contacted", "qualified", "unqualified"]),
    };
  });
}

export function makeDeal(r, company) {
  const amount = Math.round(Math.exp(r.next() * 4 + 7) / 100) * 100;
  const days = r.int(-20, 120);
  const close = new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
  return { title: `${company.name} — ${r.pick(PRODUCTS)}`, amount, currency: "USD", closeDate: close, tags: r.chance(0.35) ? [r.pick(TAGS)] : [] };
}

export const ACTIVITY_SUBJECTS = {
  call: ["Discovery call", "Follow-up call", "Pricing discussion", "Check-in call"],
  meeting: ["Demo", "Kick-off meeting", "Quarterly review", "On-site visit"],
  task: ["Send proposal", "Prepare quote", "Share case study", "Confirm budget", "Draft contract"],
  note: ["Decision maker is the CFO", "Competitor in the running", "Budget approved for Q1", "Needs SSO"],
};
