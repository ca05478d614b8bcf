CREATE TABLE `import_chunks` (
	`import_id` text NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`import_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `import_chunks_org_created_idx` ON `import_chunks` (`org_id`,`created_at`);