CREATE TABLE `agent_statuses` (
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`changed_at` integer NOT NULL,
	`idle_since` integer,
	`last_assigned_at` integer,
	PRIMARY KEY(`org_id`, `user_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agent_statuses_org_status_idx` ON `agent_statuses` (`org_id`,`status`);