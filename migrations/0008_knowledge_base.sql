CREATE TABLE `kb_categories` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_categories_org_slug_idx` ON `kb_categories` (`org_id`,`slug`);--> statement-breakpoint
CREATE INDEX `kb_categories_org_position_idx` ON `kb_categories` (`org_id`,`position`);--> statement-breakpoint
CREATE TABLE `kb_articles` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`category_id` text,
	`title` text NOT NULL,
	`slug` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`body_text` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`author_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`published_at` integer,
	`view_count` integer DEFAULT 0 NOT NULL,
	`helpful_count` integer DEFAULT 0 NOT NULL,
	`not_helpful_count` integer DEFAULT 0 NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_articles_org_slug_idx` ON `kb_articles` (`org_id`,`slug`);--> statement-breakpoint
CREATE INDEX `kb_articles_org_status_idx` ON `kb_articles` (`org_id`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `kb_articles_org_category_idx` ON `kb_articles` (`org_id`,`category_id`);--> statement-breakpoint
-- Full-text search over articles, as in 0002_search.sql: rowid = the article's
-- rowid, org_id an indexed column matched first. The plain-text body is
-- indexed (not the Markdown), so syntax and link targets never match, and
-- only edits to the indexed columns touch the index (not view counts).
CREATE VIRTUAL TABLE `kb_articles_fts` USING fts5(org_id, title, body, tags, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `kb_articles_fts_insert` AFTER INSERT ON `kb_articles` BEGIN
  INSERT INTO `kb_articles_fts` (rowid, org_id, title, body, tags) VALUES (new.rowid, new.org_id, new.title, new.body_text, coalesce((SELECT group_concat(value, ' ') FROM json_each(new.tags)), ''));
END;--> statement-breakpoint
CREATE TRIGGER `kb_articles_fts_update` AFTER UPDATE OF `title`, `body_text`, `tags` ON `kb_articles` BEGIN
  DELETE FROM `kb_articles_fts` WHERE rowid = old.rowid;
  INSERT INTO `kb_articles_fts` (rowid, org_id, title, body, tags) VALUES (new.rowid, new.org_id, new.title, new.body_text, coalesce((SELECT group_concat(value, ' ') FROM json_each(new.tags)), ''));
END;--> statement-breakpoint
CREATE TRIGGER `kb_articles_fts_delete` AFTER DELETE ON `kb_articles` BEGIN
  DELETE FROM `kb_articles_fts` WHERE rowid = old.rowid;
END;
