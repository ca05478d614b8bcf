/**
 * The 3CX server-side CRM template (Admin → Integrations → CRM → Add →
 * upload the XML) that points 3CX at this provider's two endpoints:
 *
 * - Scenario "" (contact lookup): GET .../lookup?number=[Number], reading
 *   `contacts.*` from our JSON into 3CX's contact fields and the contact page
 *   link (ContactUrl) the 3CX client opens when the call rings.
 * - Scenario "ReportCall" (call journaling, after each call when "Enable
 *   Call Journaling" is on): POST .../journal with 3CX's call variables.
 *
 * The key is a template parameter ([ApiKey]) the admin pastes in 3CX (the
 * provider's webhook secret); it is never written into the file.
 */

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

const CONTACT_FIELDS: [variable: string, path: string, output: string][] = [
  ["ContactID", "id", "EntityId"],
  ["FirstName", "firstName", "FirstName"],
  ["LastName", "lastName", "LastName"],
  ["CompanyName", "company", "CompanyName"],
  ["Email", "email", "Email"],
  ["PhoneBusiness", "phoneBusiness", "PhoneBusiness"],
  ["PhoneMobile", "phoneMobile", "PhoneMobile"],
  ["ContactUrl", "contactUrl", "ContactUrl"],
  ["EntityType", "entityType", "EntityType"],
];

/** Our journal field ← 3CX's variable. */
const JOURNAL_FIELDS: [key: string, value: string][] = [
  ["callType", "[CallType]"],
  ["callDirection", "[CallDirection]"],
  ["number", "[Number]"],
  ["name", "[Name]"],
  ["agent", "[Agent]"],
  ["agentEmail", "[AgentEmail]"],
  ["agentFirstName", "[AgentFirstName]"],
  ["agentLastName", "[AgentLastName]"],
  ["queueExtension", "[QueueExtension]"],
  ["duration", "[Duration]"],
  ["callStartUtc", "[CallStartTimeUTC]"],
  ["callEstablishedUtc", "[CallEstablishedTimeUTC]"],
  ["callEndUtc", "[CallEndTimeUTC]"],
];

export function threeCxTemplate(opts: { apiBase: string; providerId: string; name: string; country?: string }): string {
  const base = `${opts.apiBase}/api/telephony/3cx/${encodeURIComponent(opts.providerId)}`;
  const keyHeader = `<Headers>
          <Value Key="X-NeuraCRM-Key" Passes="0" Type="String">[ApiKey]</Value>
        </Headers>`;
  const variables = CONTACT_FIELDS.map(([name, path]) => `        <Variable Name="${name}" Path="contacts.${path}">\n          <Filter />\n        </Variable>`).join("\n");
  const outputs = CONTACT_FIELDS.map(([name, , type]) => `        <Output Type="${type}" Passes="0" Value="[${name}]" />`).join("\n");
  const journal = JOURNAL_FIELDS.map(([key, value]) => `          <Value Key="${key}" Passes="0" Type="String">${value}</Value>`).join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- NeuraCRM CRM template for 3CX (${escapeXml(opts.name)}). Upload under Admin > Integrations > CRM, then paste the provider's key as "API Key". -->
<Crm xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" Country="${escapeXml(opts.country ?? "US")}" Name="NeuraCRM" Version="1" SupportsEmojis="true">
  <Number Prefix="AsIs" MaxLength="[MaxLength]" />
  <Connection MaxConcurrentRequests="4" />
  <Parameters>
    <Parameter Name="ApiKey" Type="String" Parent="General Configuration" Editor="String" Title="API Key (the provider's webhook secret):" />
    <Parameter Name="ReportCallEnabled" Type="Boolean" Editor="String" Title="Enable Call Journaling" Default="True" />
  </Parameters>
  <Authentication Type="No" />
  <Scenarios>
    <Scenario Id="" Type="REST">
      <Request SkipIf="" Url="${escapeXml(`${base}/lookup?number=[Number]`)}" MessagePasses="0" RequestEncoding="UrlEncoded" RequestType="Get" ResponseType="Json">
        ${keyHeader}
      </Request>
      <Rules>
        <Rule Type="Any">contacts.id</Rule>
      </Rules>
      <Variables>
${variables}
      </Variables>
      <Outputs AllowEmpty="false">
${outputs}
      </Outputs>
    </Scenario>
    <Scenario Id="ReportCall" Type="REST">
      <Request SkipIf="[ReportCallEnabled]!=True" Url="${escapeXml(`${base}/journal`)}" MessagePasses="0" RequestContentType="application/json" RequestEncoding="Json" RequestType="Post" ResponseType="Json">
        ${keyHeader}
        <PostValues>
${journal}
        </PostValues>
      </Request>
      <Variables />
      <Outputs AllowEmpty="true" />
    </Scenario>
  </Scenarios>
</Crm>
`;
}
