CREATE TABLE `telephony_providers` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`config_ciphertext` text NOT NULL,
	`config_iv` text NOT NULL,
	`public_config` text DEFAULT '{}' NOT NULL,
	`webhook_secret_hash` text NOT NULL,
	`default_queue_id` text,
	`enabled` integer DEFAULT true NOT NULL,
	`last_test_status` text,
	`last_test_message` text,
	`last_tested_at` integer,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `telephony_providers_org_idx` ON `telephony_providers` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `telephony_extensions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`user_id` text NOT NULL,
	`extension` text NOT NULL,
	`label` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `telephony_providers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `telephony_extensions_provider_ext_idx` ON `telephony_extensions` (`provider_id`,`extension`);--> statement-breakpoint
CREATE UNIQUE INDEX `telephony_extensions_provider_user_idx` ON `telephony_extensions` (`provider_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `telephony_extensions_org_user_idx` ON `telephony_extensions` (`org_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `call_queues` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`strategy` text DEFAULT 'ring_all' NOT NULL,
	`ring_timeout_seconds` integer DEFAULT 20 NOT NULL,
	`max_wait_seconds` integer DEFAULT 300 NOT NULL,
	`overflow_action` text DEFAULT 'voicemail' NOT NULL,
	`overflow_target` text,
	`last_assigned_user_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `call_queues_org_name_idx` ON `call_queues` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `call_queue_members` (
	`queue_id` text NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`queue_id`, `user_id`),
	FOREIGN KEY (`queue_id`) REFERENCES `call_queues`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `call_queue_members_org_user_idx` ON `call_queue_members` (`org_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`provider_call_id` text NOT NULL,
	`direction` text NOT NULL,
	`from_number` text DEFAULT '' NOT NULL,
	`to_number` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`agent_user_id` text,
	`queue_id` text,
	`contact_id` text,
	`lead_id` text,
	`deal_id` text,
	`activity_id` text,
	`started_at` integer NOT NULL,
	`ringing_at` integer,
	`answered_at` integer,
	`ended_at` integer,
	`hold_started_at` integer,
	`ring_seconds` integer DEFAULT 0 NOT NULL,
	`talk_seconds` integer DEFAULT 0 NOT NULL,
	`hold_seconds` integer DEFAULT 0 NOT NULL,
	`duration_seconds` integer DEFAULT 0 NOT NULL,
	`wrap_up_seconds` integer,
	`wrapped_up_at` integer,
	`disposition` text,
	`notes` text,
	`recording_key` text,
	`recording_provider_id` text,
	`recording_seconds` integer,
	`version` integer DEFAULT 0 NOT NULL,
	`last_event_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calls_provider_call_idx` ON `calls` (`provider_id`,`provider_call_id`);--> statement-breakpoint
CREATE INDEX `calls_org_started_idx` ON `calls` (`org_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `calls_org_status_idx` ON `calls` (`org_id`,`status`,`started_at`);--> statement-breakpoint
CREATE INDEX `calls_org_agent_idx` ON `calls` (`org_id`,`agent_user_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `calls_org_queue_idx` ON `calls` (`org_id`,`queue_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `calls_org_contact_idx` ON `calls` (`org_id`,`contact_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `calls_org_lead_idx` ON `calls` (`org_id`,`lead_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `calls_org_from_idx` ON `calls` (`org_id`,`from_number`);--> statement-breakpoint
CREATE INDEX `calls_org_to_idx` ON `calls` (`org_id`,`to_number`);--> statement-breakpoint
CREATE TABLE `call_activities` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`call_id` text NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`event_id` text,
	`actor_id` text,
	`data` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `call_activities_event_idx` ON `call_activities` (`call_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `call_activities_call_at_idx` ON `call_activities` (`call_id`,`at`);--> statement-breakpoint
-- Calls are matched to leads by phone number (contacts already have contacts_org_phone_idx).
CREATE INDEX `leads_org_phone_idx` ON `leads` (`org_id`,`phone`);
