/**
 * What notifications are about, as members choose to hear about them. Every
 * `notify` type maps to one category here (unknown types are "system"), so a
 * feature adding a type adds one line to TYPE_CATEGORIES.
 */
export const NOTIFICATION_CATEGORIES = {
  assignments: { label: "Assignments", description: "A ticket, deal or lead assigned to you", email: true },
  mentions: { label: "Mentions", description: "Someone mentions you in a note or comment", email: false },
  sla: { label: "SLA breaches", description: "A ticket you work on missed its response or resolution target", email: true },
  calls: { label: "Calls", description: "Missed calls and voicemails for you", email: false },
  billing: { label: "Billing", description: "Payments received, disputes and invoice events", email: false },
  automation: { label: "Workflow messages", description: "Notifications sent by workflows' notify actions", email: false },
  automation_failures: { label: "Automation failures", description: "A workflow run or a webhook endpoint failing", email: true },
  ai: { label: "AI insights", description: "Escalations and insights the AI raises", email: false },
  system: { label: "System", description: "Everything else NeuraCRM tells you", email: false },
} as const satisfies Record<string, { label: string; description: string; email: boolean }>;

export type NotificationCategory = keyof typeof NOTIFICATION_CATEGORIES;

export const CATEGORY_NAMES = Object.keys(NOTIFICATION_CATEGORIES) as NotificationCategory[];

const TYPE_CATEGORIES: Record<string, NotificationCategory> = {
  ticket_assigned: "assignments",
  deal_assigned: "assignments",
  lead_assigned: "assignments",
  record_assigned: "assignments",
  mention: "mentions",
  sla_breached: "sla",
  call_missed: "calls",
  voicemail: "calls",
  invoice_paid: "billing",
  payment_disputed: "billing",
  workflow_notification: "automation",
  workflow_failed: "automation_failures",
  webhook_failed: "automation_failures",
  ticket_escalation: "ai",
  insight: "ai",
};

export const isCategory = (name: string): name is NotificationCategory => Object.hasOwn(NOTIFICATION_CATEGORIES, name);

export function categoryOf(type: string): NotificationCategory {
  return TYPE_CATEGORIES[type] ?? "system";
}

/** A member who never touched a category: in-app always, email only where missing it would hurt. */
export const defaultPreference = (category: NotificationCategory) => ({ inApp: true, email: NOTIFICATION_CATEGORIES[category].email });
