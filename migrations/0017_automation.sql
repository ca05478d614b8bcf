CREATE TABLE `notification_digests` (
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`hour` integer DEFAULT 8 NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`last_sent_on` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `notification_emails` (
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`event_key` text NOT NULL,
	`notification_id` text,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `user_id`, `event_key`)
);
--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`category` text NOT NULL,
	`in_app` integer NOT NULL,
	`email` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `user_id`, `category`)
);
--> statement-breakpoint
CREATE TABLE `automation_assignment_cursors` (
	`org_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`step_key` text NOT NULL,
	`last_user_id` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `workflow_id`, `step_key`)
);
--> statement-breakpoint
CREATE TABLE `automation_run_steps` (
	`run_id` text NOT NULL,
	`step_key` text NOT NULL,
	`org_id` text NOT NULL,
	`action_type` text NOT NULL,
	`position` integer NOT NULL,
	`status` text NOT NULL,
	`input` text,
	`output` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	PRIMARY KEY(`run_id`, `step_key`)
);
--> statement-breakpoint
CREATE INDEX `automation_run_steps_org_idx` ON `automation_run_steps` (`org_id`,`run_id`,`position`);--> statement-breakpoint
CREATE TABLE `automation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`workflow_version` integer NOT NULL,
	`definition` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`event_id` text NOT NULL,
	`event` text NOT NULL,
	`entity` text,
	`record_id` text,
	`origin` text,
	`instance_id` text,
	`attempt` integer DEFAULT 1 NOT NULL,
	`started_by` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `automation_runs_event_idx` ON `automation_runs` (`workflow_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `automation_runs_org_idx` ON `automation_runs` (`org_id`,`workflow_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `automation_runs_record_idx` ON `automation_runs` (`org_id`,`record_id`);--> statement-breakpoint
CREATE TABLE `automation_workflows` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`enabled` integer DEFAULT false NOT NULL,
	`owner_id` text NOT NULL,
	`trigger` text NOT NULL,
	`conditions` text,
	`actions` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`next_run_at` integer,
	`last_failure_alert_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `automation_workflows_org_idx` ON `automation_workflows` (`org_id`,`enabled`);--> statement-breakpoint
CREATE INDEX `automation_workflows_schedule_idx` ON `automation_workflows` (`next_run_at`);--> statement-breakpoint
CREATE TABLE `automation_events` (
	`id` text NOT NULL,
	`org_id` text NOT NULL,
	`type` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`event` text NOT NULL,
	`occurred_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `automation_events_type_idx` ON `automation_events` (`org_id`,`type`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`delivery_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`status_code` integer,
	`duration_ms` integer NOT NULL,
	`error` text,
	`response_body` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery_idx` ON `webhook_attempts` (`org_id`,`delivery_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_status_code` integer,
	`last_error` text,
	`replay_of` text,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_event_idx` ON `webhook_deliveries` (`endpoint_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_org_idx` ON `webhook_deliveries` (`org_id`,`endpoint_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`source` text NOT NULL,
	`url` text NOT NULL,
	`description` text,
	`events` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`secret_sealed` text NOT NULL,
	`disabled_reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoints_org_idx` ON `webhook_endpoints` (`org_id`,`enabled`);--> statement-breakpoint
CREATE TABLE `segment_members` (
	`segment_id` text NOT NULL,
	`record_id` text NOT NULL,
	`org_id` text NOT NULL,
	`entered_at` integer NOT NULL,
	PRIMARY KEY(`segment_id`, `record_id`)
);
--> statement-breakpoint
CREATE INDEX `segment_members_record_idx` ON `segment_members` (`org_id`,`record_id`);--> statement-breakpoint
CREATE TABLE `segments` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`entity` text NOT NULL,
	`filter` text NOT NULL,
	`member_count` integer DEFAULT 0 NOT NULL,
	`evaluated_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `segments_org_idx` ON `segments` (`org_id`,`entity`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text,
	`token_hash` text NOT NULL,
	`token_prefix` text NOT NULL,
	`scopes` text,
	`expires_at` integer,
	`last_used_at` integer,
	`revoked_at` integer,
	`revoked_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_token_idx` ON `api_keys` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_org_idx` ON `api_keys` (`org_id`,`user_id`);