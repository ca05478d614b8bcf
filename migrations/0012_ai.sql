CREATE TABLE `ai_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`input` text NOT NULL,
	`summary` text NOT NULL,
	`status` text DEFAULT 'proposed' NOT NULL,
	`result` text,
	`created_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE INDEX `ai_actions_conversation_idx` ON `ai_actions` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `ai_conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`title` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ai_conversations_user_idx` ON `ai_conversations` (`org_id`,`user_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `ai_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`role` text NOT NULL,
	`content` text DEFAULT '' NOT NULL,
	`tool_calls` text,
	`tool_call_id` text,
	`citations` text,
	`context` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ai_messages_conversation_seq_idx` ON `ai_messages` (`conversation_id`,`seq`);--> statement-breakpoint
CREATE TABLE `ai_settings` (
	`org_id` text PRIMARY KEY NOT NULL,
	`base_url` text,
	`key_ciphertext` text,
	`key_iv` text,
	`key_last4` text,
	`chat_model` text,
	`transcribe_model` text,
	`transcription_enabled` integer DEFAULT true NOT NULL,
	`monthly_token_budget` integer,
	`monthly_audio_seconds_budget` integer,
	`updated_by` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ai_usage` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text,
	`feature` text NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`audio_seconds` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ai_usage_org_time_idx` ON `ai_usage` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `call_transcripts` (
	`call_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`recording_key` text NOT NULL,
	`status` text NOT NULL,
	`language` text,
	`segments` text DEFAULT '[]' NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`summary` text,
	`action_items` text DEFAULT '[]' NOT NULL,
	`provider` text,
	`model` text,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `call_transcripts_org_idx` ON `call_transcripts` (`org_id`,`updated_at`);--> statement-breakpoint
-- Words from call transcripts are searchable: one FTS row per transcript, kept in step by triggers.
CREATE VIRTUAL TABLE `call_transcripts_fts` USING fts5(org_id UNINDEXED, call_id UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `call_transcripts_fts_insert` AFTER INSERT ON `call_transcripts` BEGIN
  INSERT INTO `call_transcripts_fts` (rowid, org_id, call_id, text) VALUES (new.rowid, new.org_id, new.call_id, new.text);
END;--> statement-breakpoint
CREATE TRIGGER `call_transcripts_fts_update` AFTER UPDATE OF `text` ON `call_transcripts` BEGIN
  DELETE FROM `call_transcripts_fts` WHERE rowid = old.rowid;
  INSERT INTO `call_transcripts_fts` (rowid, org_id, call_id, text) VALUES (new.rowid, new.org_id, new.call_id, new.text);
END;--> statement-breakpoint
CREATE TRIGGER `call_transcripts_fts_delete` AFTER DELETE ON `call_transcripts` BEGIN
  DELETE FROM `call_transcripts_fts` WHERE rowid = old.rowid;
END;
