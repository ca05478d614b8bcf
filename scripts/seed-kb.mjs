// The demo organization's knowledge base: four categories of published
// articles, created through the API like everything else in the demo.

const CATEGORIES = [
  { name: "Getting started", description: "Set up your workspace and invite your team." },
  { name: "Account & security", description: "Sign-in, passwords and who can see what." },
  { name: "Billing", description: "Plans, invoices and payment methods." },
  { name: "Integrations & data", description: "Import, export and connect other tools." },
];

const ARTICLES = [
  ["Getting started", "Set up your workspace in five minutes", ["onboarding", "setup"], `Welcome! These steps get a new workspace ready for your team.

1. **Name your organization** under *Settings*; customers see this name in the help center.
2. **Invite your team** from *Members*. Pick a role for each person (you can change it later).
3. **Import your contacts** from a CSV file, for example a Salesforce export.
4. **Open the pipeline** and drag your first deal to the right stage.

> Tip: press **Ctrl K** (⌘ K on a Mac) anywhere to search contacts, companies, leads and deals.`],
  ["Getting started", "Invite teammates and choose their roles", ["members", "roles", "invite"], `Go to **Members → Invite**, enter an email address and choose a role:

| Role | Can do |
| --- | --- |
| Owner | Everything, including billing and deleting the organization |
| Admin | Manage members and settings |
| Manager | Reassign records, publish help articles |
| Agent | Work on records and tickets, write article drafts |
| Viewer | Read only |

The invitation link is valid for **7 days** and can be used once. If it expired, send a new one from the same page.`],
  ["Getting started", "Find anything with search", ["search"], `Type a few letters in the search box: results appear while you type. Every word matches the start of a word, so \`ann lee\` finds *Annabel Lee*.

Names rank above other details such as email addresses or job titles.`],
  ["Account & security", "Reset your password", ["password", "login", "reset"], `If you forgot your password:

1. Open the sign-in page and click **Forgot password**.
2. Enter the email address you sign in with.
3. Open the reset email (check your spam folder if it does not arrive within a few minutes) and choose a new password.

Passwords need at least 10 characters and cannot be a common password. After a reset, every other session is signed out.`],
  ["Account & security", "Why was I signed out?", ["login", "session"], `For your security, you are signed out when:

- you click **Sign out** in another tab,
- an admin removes you from the organization or changes your role,
- your session has not been used for a long time.

Just sign in again; nothing you saved is lost. Changes made while offline are kept on your device and sent when you reconnect.`],
  ["Account & security", "Too many sign-in attempts", ["login", "rate limit", "locked"], `After **5 failed attempts in 20 seconds** sign-in pauses briefly for your address and email. Wait for the time shown, then try again.

If you do not remember your password, [reset it](./reset-your-password) instead of guessing.`],
  ["Billing", "Download your invoices", ["invoice", "billing", "pdf"], `Owners find every invoice under **Settings → Billing → Invoices**. Click an invoice to download it as a PDF.

Need your VAT number or company address on the invoice? Add them under **Billing details** before the next billing date; past invoices are not changed.`],
  ["Billing", "Change your payment method", ["billing", "card", "payment"], `Go to **Settings → Billing → Payment method** and click **Replace card**. The new card is charged from the next invoice on.

If a payment fails we retry for 7 days and email the owners each time.`],
  ["Billing", "Upgrade, downgrade or cancel your plan", ["plan", "billing", "cancel"], `Plan changes take effect immediately:

- **Upgrading** charges the difference for the rest of the billing period.
- **Downgrading** credits the difference on your next invoice.
- **Cancelling** keeps your workspace until the end of the period; export your data first if you want a copy.`],
  ["Integrations & data", "Import contacts from a CSV file", ["import", "csv", "contacts", "salesforce"], `Open **Import**, choose the record type and drop your CSV file.

- Columns are matched automatically, including Salesforce export names such as *Account Name*.
- Choose what happens to **duplicates** (same email): skip them or update the existing contact.
- Run a **dry run** first: it lists every row with a problem, and nothing is saved.

An import is all-or-nothing: if one row fails, no row is saved.`],
  ["Integrations & data", "Export your data", ["export", "csv"], `Every list (contacts, companies, leads) has an **Export CSV** button that downloads exactly the rows your filters show. The file uses the same columns the importer understands, so you can re-import it as it is.`],
  ["Integrations & data", "Connect your phone system", ["telephony", "twilio", "calls"], `Under **Settings → Telephony** connect Twilio or your PBX. Calls then appear on the matching contact's timeline, and agents can call from the browser.

You will need your provider's account credentials; they are stored encrypted.`],
];

/**
 * Seeds the knowledge base. `api(path, body?)` posts `body` (or gets, without
 * one) as the demo owner and answers the envelope's `data`.
 */
export async function seedKnowledgeBase(api) {
  const ids = new Map();
  for (const category of CATEGORIES) {
    const created = await api("/api/support/knowledge-base/categories", category);
    ids.set(category.name, created.id);
  }
  for (const [category, title, tags, body] of ARTICLES) {
    await api("/api/support/knowledge-base/articles", { title, body, tags, categoryId: ids.get(category), status: "published" });
  }
  return { categories: CATEGORIES.length, articles: ARTICLES.length };
}
