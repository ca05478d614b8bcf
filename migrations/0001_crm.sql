CREATE TABLE `activities` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`owner_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`type` text NOT NULL,
	`subject` text NOT NULL,
	`body` text,
	`due_at` integer,
	`done_at` integer,
	`deal_id` text,
	`contact_id` text,
	`lead_id` text,
	`company_id` text
);
--> statement-breakpoint
CREATE INDEX `activities_org_deal_idx` ON `activities` (`org_id`,`deal_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `activities_org_contact_idx` ON `activities` (`org_id`,`contact_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `activities_org_lead_idx` ON `activities` (`org_id`,`lead_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `activities_org_owner_due_idx` ON `activities` (`org_id`,`owner_id`,`due_at`);--> statement-breakpoint
CREATE TABLE `companies` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`owner_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`name` text NOT NULL,
	`domain` text,
	`industry` text,
	`size` text,
	`phone` text,
	`website` text,
	`address` text
);
--> statement-breakpoint
CREATE INDEX `companies_org_name_idx` ON `companies` (`org_id`,`name`);--> statement-breakpoint
CREATE INDEX `companies_org_domain_idx` ON `companies` (`org_id`,`domain`);--> statement-breakpoint
CREATE INDEX `companies_org_owner_idx` ON `companies` (`org_id`,`owner_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`owner_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`first_name` text NOT NULL,
	`last_name` text DEFAULT '' NOT NULL,
	`email` text,
	`phone` text,
	`title` text,
	`company_id` text,
	`source` text
);
--> statement-breakpoint
CREATE INDEX `contacts_org_name_idx` ON `contacts` (`org_id`,`last_name`,`first_name`);--> statement-breakpoint
CREATE INDEX `contacts_org_email_idx` ON `contacts` (`org_id`,`email`);--> statement-breakpoint
CREATE INDEX `contacts_org_phone_idx` ON `contacts` (`org_id`,`phone`);--> statement-breakpoint
CREATE INDEX `contacts_org_company_idx` ON `contacts` (`org_id`,`company_id`);--> statement-breakpoint
CREATE INDEX `contacts_org_owner_idx` ON `contacts` (`org_id`,`owner_id`);--> statement-breakpoint
CREATE TABLE `deals` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`owner_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`title` text NOT NULL,
	`amount` real DEFAULT 0 NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	`pipeline_id` text NOT NULL,
	`stage_id` text NOT NULL,
	`position` text NOT NULL,
	`contact_id` text,
	`company_id` text,
	`lead_id` text,
	`close_date` text,
	`status` text DEFAULT 'open' NOT NULL,
	`lost_reason` text,
	`version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deals_org_stage_idx` ON `deals` (`org_id`,`pipeline_id`,`stage_id`,`position`);--> statement-breakpoint
CREATE INDEX `deals_org_status_idx` ON `deals` (`org_id`,`status`);--> statement-breakpoint
CREATE INDEX `deals_org_owner_idx` ON `deals` (`org_id`,`owner_id`);--> statement-breakpoint
CREATE INDEX `deals_org_contact_idx` ON `deals` (`org_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `deals_org_company_idx` ON `deals` (`org_id`,`company_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`org_id` text NOT NULL,
	`key` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_keys_pk` ON `idempotency_keys` (`org_id`,`key`);--> statement-breakpoint
CREATE TABLE `leads` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`owner_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`first_name` text NOT NULL,
	`last_name` text DEFAULT '' NOT NULL,
	`email` text,
	`phone` text,
	`title` text,
	`company_name` text,
	`source` text,
	`status` text DEFAULT 'new' NOT NULL,
	`score` integer,
	`notes` text,
	`converted_at` integer,
	`converted_contact_id` text,
	`converted_company_id` text,
	`converted_deal_id` text
);
--> statement-breakpoint
CREATE INDEX `leads_org_status_idx` ON `leads` (`org_id`,`status`);--> statement-breakpoint
CREATE INDEX `leads_org_email_idx` ON `leads` (`org_id`,`email`);--> statement-breakpoint
CREATE INDEX `leads_org_owner_idx` ON `leads` (`org_id`,`owner_id`);--> statement-breakpoint
CREATE TABLE `pipelines` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pipelines_org_idx` ON `pipelines` (`org_id`,`position`);--> statement-breakpoint
CREATE TABLE `stages` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`pipeline_id` text NOT NULL,
	`name` text NOT NULL,
	`probability` integer NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `stages_pipeline_idx` ON `stages` (`pipeline_id`,`position`);