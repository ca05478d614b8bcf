ALTER TABLE `invoices` ADD `send_status` text;--> statement-breakpoint
ALTER TABLE `invoices` ADD `send_error` text;--> statement-breakpoint
ALTER TABLE `invoices` ADD `sent_to` text;