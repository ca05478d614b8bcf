CREATE TABLE `support_tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`number` integer NOT NULL,
	`subject` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'new' NOT NULL,
	`priority` text DEFAULT 'normal' NOT NULL,
	`channel` text DEFAULT 'web' NOT NULL,
	`contact_id` text,
	`requester_email` text,
	`requester_name` text,
	`assignee_id` text,
	`team_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`due_at` integer,
	`sla_policy_id` text,
	`first_response_due_at` integer,
	`resolution_due_at` integer,
	`sla_due_at` integer,
	`first_responded_at` integer,
	`solved_at` integer,
	`closed_at` integer,
	`first_response_breached_at` integer,
	`resolution_breached_at` integer,
	`sla_paused_at` integer,
	`merged_into_id` text,
	`thread_token` text NOT NULL,
	`email_message_ids` text DEFAULT '[]' NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `support_tickets_org_number_idx` ON `support_tickets` (`org_id`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `support_tickets_thread_token_idx` ON `support_tickets` (`thread_token`);--> statement-breakpoint
CREATE INDEX `support_tickets_org_status_idx` ON `support_tickets` (`org_id`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `support_tickets_org_assignee_idx` ON `support_tickets` (`org_id`,`assignee_id`,`status`);--> statement-breakpoint
CREATE INDEX `support_tickets_org_team_idx` ON `support_tickets` (`org_id`,`team_id`,`status`);--> statement-breakpoint
CREATE INDEX `support_tickets_org_contact_idx` ON `support_tickets` (`org_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `support_tickets_org_created_idx` ON `support_tickets` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `support_tickets_sla_due_idx` ON `support_tickets` (`sla_due_at`);--> statement-breakpoint
CREATE TABLE `support_comments` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`ticket_id` text NOT NULL,
	`kind` text NOT NULL,
	`author_type` text NOT NULL,
	`author_id` text,
	`author_email` text,
	`author_name` text,
	`body` text NOT NULL,
	`body_html` text,
	`email_message_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `support_comments_ticket_idx` ON `support_comments` (`org_id`,`ticket_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `support_attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`ticket_id` text NOT NULL,
	`comment_id` text,
	`r2_key` text NOT NULL,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`uploaded_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `support_attachments_ticket_idx` ON `support_attachments` (`org_id`,`ticket_id`);--> statement-breakpoint
CREATE TABLE `support_teams` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`assignment_rule` text DEFAULT 'manual' NOT NULL,
	`last_assigned_user_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `support_teams_org_name_idx` ON `support_teams` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `support_team_members` (
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	`org_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `support_team_members_org_user_idx` ON `support_team_members` (`org_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `support_sla_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`priority` text NOT NULL,
	`first_response_minutes` integer NOT NULL,
	`resolution_minutes` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `support_sla_policies_org_priority_idx` ON `support_sla_policies` (`org_id`,`priority`);--> statement-breakpoint
CREATE TABLE `support_calendars` (
	`org_id` text PRIMARY KEY NOT NULL,
	`time_zone` text NOT NULL,
	`working_days` text NOT NULL,
	`start_minute` integer NOT NULL,
	`end_minute` integer NOT NULL,
	`holidays` text DEFAULT '[]' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `support_views` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`filters` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `support_views_org_user_idx` ON `support_views` (`org_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `support_settings` (
	`org_id` text PRIMARY KEY NOT NULL,
	`inbound_local_part` text NOT NULL,
	`from_name` text,
	`from_address` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `support_settings_inbound_local_part_unique` ON `support_settings` (`inbound_local_part`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`title` text NOT NULL,
	`body` text,
	`link` text,
	`data` text,
	`read_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`org_id`,`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`org_id`,`user_id`,`read_at`);--> statement-breakpoint
-- Ticket text search (same scheme as 0002_search.sql): subject as name; description, requester and number as details.
CREATE VIRTUAL TABLE `support_tickets_fts` USING fts5(org_id, name, details, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `support_tickets_fts_insert` AFTER INSERT ON `support_tickets` BEGIN
  INSERT INTO `support_tickets_fts` (rowid, org_id, name, details) VALUES (new.rowid, new.org_id, new.subject, new.number || ' ' || new.description || ' ' || coalesce(new.requester_email,'') || ' ' || coalesce(new.requester_name,''));
END;--> statement-breakpoint
CREATE TRIGGER `support_tickets_fts_update` AFTER UPDATE OF `subject`, `description`, `requester_email`, `requester_name` ON `support_tickets` BEGIN
  DELETE FROM `support_tickets_fts` WHERE rowid = old.rowid;
  INSERT INTO `support_tickets_fts` (rowid, org_id, name, details) VALUES (new.rowid, new.org_id, new.subject, new.number || ' ' || new.description || ' ' || coalesce(new.requester_email,'') || ' ' || coalesce(new.requester_name,''));
END;--> statement-breakpoint
CREATE TRIGGER `support_tickets_fts_delete` AFTER DELETE ON `support_tickets` BEGIN
  DELETE FROM `support_tickets_fts` WHERE rowid = old.rowid;
END;
