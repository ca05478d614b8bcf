-- Indexes that match the list endpoints' ORDER BY clauses exactly (case-
-- insensitive text, then id as tiebreak), so a page is an index walk rather
-- than a sort of the whole organization's rows.
CREATE INDEX `contacts_org_name_nocase_idx` ON `contacts` (`org_id`, `last_name` COLLATE NOCASE, `first_name` COLLATE NOCASE, `id`);--> statement-breakpoint
CREATE INDEX `contacts_org_created_idx` ON `contacts` (`org_id`, `created_at`, `id`);--> statement-breakpoint
CREATE INDEX `contacts_org_updated_idx` ON `contacts` (`org_id`, `updated_at`, `id`);--> statement-breakpoint
CREATE INDEX `companies_org_name_nocase_idx` ON `companies` (`org_id`, `name` COLLATE NOCASE, `id`);--> statement-breakpoint
CREATE INDEX `companies_org_created_idx` ON `companies` (`org_id`, `created_at`, `id`);--> statement-breakpoint
CREATE INDEX `companies_org_updated_idx` ON `companies` (`org_id`, `updated_at`, `id`);--> statement-breakpoint
CREATE INDEX `leads_org_name_nocase_idx` ON `leads` (`org_id`, `last_name` COLLATE NOCASE, `first_name` COLLATE NOCASE, `id`);--> statement-breakpoint
CREATE INDEX `leads_org_created_idx` ON `leads` (`org_id`, `created_at`, `id`);--> statement-breakpoint
CREATE INDEX `leads_org_updated_idx` ON `leads` (`org_id`, `updated_at`, `id`);--> statement-breakpoint
CREATE INDEX `deals_org_updated_idx` ON `deals` (`org_id`, `updated_at`, `id`);--> statement-breakpoint
CREATE INDEX `deals_org_created_idx` ON `deals` (`org_id`, `created_at`, `id`);--> statement-breakpoint
CREATE INDEX `deals_org_amount_idx` ON `deals` (`org_id`, `amount`, `id`);--> statement-breakpoint
CREATE INDEX `deals_org_title_idx` ON `deals` (`org_id`, `title`, `id`);
