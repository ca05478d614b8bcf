CREATE TABLE `record_scores` (
	`org_id` text NOT NULL,
	`record_type` text NOT NULL,
	`record_id` text NOT NULL,
	`model_score` integer NOT NULL,
	`base_points` integer NOT NULL,
	`factors` text NOT NULL,
	`model_version` text NOT NULL,
	`input_hash` text NOT NULL,
	`override_score` integer,
	`override_reason` text,
	`override_by` text,
	`override_at` integer,
	`scored_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `record_type`, `record_id`)
);
--> statement-breakpoint
CREATE INDEX `record_scores_org_model_idx` ON `record_scores` (`org_id`,`record_type`,`model_version`);--> statement-breakpoint
CREATE TABLE `scoring_models` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`record_type` text NOT NULL,
	`version` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`samples` integer NOT NULL,
	`positives` integer NOT NULL,
	`holdout_size` integer DEFAULT 0 NOT NULL,
	`auc` real,
	`calibration` text DEFAULT '[]' NOT NULL,
	`params` text NOT NULL,
	`note` text,
	`trained_at` integer NOT NULL,
	`promoted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scoring_models_version_idx` ON `scoring_models` (`org_id`,`record_type`,`version`);--> statement-breakpoint
CREATE TABLE `scoring_rules` (
	`org_id` text NOT NULL,
	`record_type` text NOT NULL,
	`rules` text NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `record_type`)
);
--> statement-breakpoint
CREATE TABLE `deal_stage_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` text NOT NULL,
	`deal_id` text NOT NULL,
	`pipeline_id` text NOT NULL,
	`from_stage_id` text,
	`to_stage_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`amount` real NOT NULL,
	`currency` text NOT NULL,
	`owner_id` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deal_stage_history_deal_idx` ON `deal_stage_history` (`org_id`,`deal_id`,`at`);--> statement-breakpoint
CREATE INDEX `deal_stage_history_pipeline_idx` ON `deal_stage_history` (`org_id`,`pipeline_id`,`at`);--> statement-breakpoint
CREATE TABLE `forecast_snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`pipeline_id` text NOT NULL,
	`week` text NOT NULL,
	`period` text NOT NULL,
	`owner_id` text NOT NULL,
	`currency` text NOT NULL,
	`weighted` real NOT NULL,
	`commit` real NOT NULL,
	`best_case` real NOT NULL,
	`closed_won` real NOT NULL,
	`taken_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `forecast_snapshots_key_idx` ON `forecast_snapshots` (`org_id`,`pipeline_id`,`week`,`period`,`owner_id`,`currency`);--> statement-breakpoint
CREATE INDEX `forecast_snapshots_period_idx` ON `forecast_snapshots` (`org_id`,`pipeline_id`,`period`);--> statement-breakpoint
CREATE TABLE `forecast_targets` (
	`org_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`period` text NOT NULL,
	`currency` text NOT NULL,
	`amount` real NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `owner_id`, `period`, `currency`)
);
--> statement-breakpoint
CREATE TABLE `insight_states` (
	`insight_id` text NOT NULL,
	`user_id` text NOT NULL,
	`org_id` text NOT NULL,
	`dismissed_at` integer,
	`snoozed_until` integer,
	PRIMARY KEY(`insight_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `insight_states_user_idx` ON `insight_states` (`org_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `insights` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`record_type` text NOT NULL,
	`record_id` text NOT NULL,
	`headline` text NOT NULL,
	`evidence` text DEFAULT '[]' NOT NULL,
	`dedupe_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `insights_dedupe_idx` ON `insights` (`org_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `insights_org_time_idx` ON `insights` (`org_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `deals` ADD `score` integer;--> statement-breakpoint
CREATE INDEX `deals_org_score_idx` ON `deals` (`org_id`,`score`);--> statement-breakpoint
ALTER TABLE `support_comments` ADD `sentiment` text;--> statement-breakpoint
ALTER TABLE `support_settings` ADD `sentiment_escalation` text;--> statement-breakpoint
ALTER TABLE `support_teams` ADD `lead_user_id` text;--> statement-breakpoint
ALTER TABLE `support_tickets` ADD `sentiment` text;--> statement-breakpoint
ALTER TABLE `call_transcripts` ADD `sentiment` text;--> statement-breakpoint
CREATE INDEX `leads_org_score_idx` ON `leads` (`org_id`,`score`);--> statement-breakpoint
-- Every stage or status change of a deal, whichever path wrote the projection (the room's outbox, imports, conversion).
CREATE TRIGGER `deals_stage_history_insert` AFTER INSERT ON `deals` BEGIN
  INSERT INTO `deal_stage_history` (`org_id`, `deal_id`, `pipeline_id`, `from_stage_id`, `to_stage_id`, `from_status`, `to_status`, `amount`, `currency`, `owner_id`, `at`)
  VALUES (new.`org_id`, new.`id`, new.`pipeline_id`, NULL, new.`stage_id`, NULL, new.`status`, new.`amount`, new.`currency`, new.`owner_id`, new.`updated_at`);
END;--> statement-breakpoint
CREATE TRIGGER `deals_stage_history_update` AFTER UPDATE OF `stage_id`, `status` ON `deals`
WHEN old.`stage_id` IS NOT new.`stage_id` OR old.`status` IS NOT new.`status` BEGIN
  INSERT INTO `deal_stage_history` (`org_id`, `deal_id`, `pipeline_id`, `from_stage_id`, `to_stage_id`, `from_status`, `to_status`, `amount`, `currency`, `owner_id`, `at`)
  VALUES (new.`org_id`, new.`id`, new.`pipeline_id`, old.`stage_id`, new.`stage_id`, old.`status`, new.`status`, new.`amount`, new.`currency`, new.`owner_id`, new.`updated_at`);
END;--> statement-breakpoint
CREATE TRIGGER `deals_stage_history_delete` AFTER DELETE ON `deals` BEGIN
  DELETE FROM `deal_stage_history` WHERE `org_id` = old.`org_id` AND `deal_id` = old.`id`;
END;--> statement-breakpoint
-- History starts now: each existing deal where it stands.
INSERT INTO `deal_stage_history` (`org_id`, `deal_id`, `pipeline_id`, `from_stage_id`, `to_stage_id`, `from_status`, `to_status`, `amount`, `currency`, `owner_id`, `at`)
SELECT `org_id`, `id`, `pipeline_id`, NULL, `stage_id`, NULL, `status`, `amount`, `currency`, `owner_id`, `updated_at` FROM `deals`;
