ALTER TABLE `support_comments` ADD `delivery_status` text;--> statement-breakpoint
ALTER TABLE `support_comments` ADD `delivery_error` text;--> statement-breakpoint
ALTER TABLE `support_comments` ADD `delivery_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `support_comments` ADD `delivered_at` integer;
