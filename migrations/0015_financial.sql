CREATE TABLE `billing_settings` (
	`org_id` text PRIMARY KEY NOT NULL,
	`legal_name` text,
	`address` text,
	`tax_id` text,
	`email` text,
	`logo_key` text,
	`invoice_prefix` text DEFAULT 'INV-' NOT NULL,
	`invoice_number_format` text DEFAULT '{prefix}{YYYY}-{seq:4}' NOT NULL,
	`invoice_next_number` integer DEFAULT 1 NOT NULL,
	`quote_prefix` text DEFAULT 'Q-' NOT NULL,
	`quote_next_number` integer DEFAULT 1 NOT NULL,
	`default_due_days` integer DEFAULT 30 NOT NULL,
	`quote_valid_days` integer DEFAULT 30 NOT NULL,
	`payment_terms` text,
	`footer` text,
	`updated_by` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `deal_billing` (
	`org_id` text NOT NULL,
	`deal_id` text NOT NULL,
	`amount_follows_lines` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `deal_id`)
);
--> statement-breakpoint
CREATE TABLE `deal_line_items` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`position` integer NOT NULL,
	`product_id` text,
	`description` text NOT NULL,
	`quantity` real NOT NULL,
	`unit_price` integer NOT NULL,
	`discount_bps` integer DEFAULT 0 NOT NULL,
	`tax_rate_bps` integer DEFAULT 0 NOT NULL,
	`period_start` text,
	`period_end` text,
	`deal_id` text NOT NULL,
	`currency` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deal_line_items_deal_idx` ON `deal_line_items` (`org_id`,`deal_id`,`position`);--> statement-breakpoint
CREATE TABLE `invoice_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`position` integer NOT NULL,
	`product_id` text,
	`description` text NOT NULL,
	`quantity` real NOT NULL,
	`unit_price` integer NOT NULL,
	`discount_bps` integer DEFAULT 0 NOT NULL,
	`tax_rate_bps` integer DEFAULT 0 NOT NULL,
	`period_start` text,
	`period_end` text,
	`invoice_id` text NOT NULL,
	`amount` integer NOT NULL,
	`discount_amount` integer DEFAULT 0 NOT NULL,
	`tax_amount` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `invoice_lines_invoice_idx` ON `invoice_lines` (`org_id`,`invoice_id`,`position`);--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text DEFAULT 'invoice' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`number` text,
	`sequence` integer,
	`owner_id` text,
	`company_id` text,
	`contact_id` text,
	`deal_id` text,
	`quote_id` text,
	`currency` text NOT NULL,
	`issue_date` text,
	`due_date` text,
	`memo` text,
	`subtotal` integer DEFAULT 0 NOT NULL,
	`discount_total` integer DEFAULT 0 NOT NULL,
	`tax` integer DEFAULT 0 NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`amount_paid` integer DEFAULT 0 NOT NULL,
	`amount_refunded` integer DEFAULT 0 NOT NULL,
	`amount_due` integer DEFAULT 0 NOT NULL,
	`public_token_hash` text,
	`stripe_connection_id` text,
	`stripe_checkout_session_id` text,
	`stripe_checkout_expires_at` integer,
	`accepted_at` integer,
	`accepted_name` text,
	`sent_at` integer,
	`finalized_at` integer,
	`paid_at` integer,
	`voided_at` integer,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_org_sequence_idx` ON `invoices` (`org_id`,`kind`,`sequence`);--> statement-breakpoint
CREATE INDEX `invoices_org_status_idx` ON `invoices` (`org_id`,`kind`,`status`,`due_date`);--> statement-breakpoint
CREATE INDEX `invoices_org_deal_idx` ON `invoices` (`org_id`,`deal_id`);--> statement-breakpoint
CREATE INDEX `invoices_org_company_idx` ON `invoices` (`org_id`,`company_id`);--> statement-breakpoint
CREATE INDEX `invoices_org_contact_idx` ON `invoices` (`org_id`,`contact_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_public_token_idx` ON `invoices` (`public_token_hash`);--> statement-breakpoint
CREATE TABLE `payment_refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`payment_id` text NOT NULL,
	`invoice_id` text,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`stripe_refund_id` text,
	`reason` text,
	`refunded_at` integer NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `payment_refunds_org_at_idx` ON `payment_refunds` (`org_id`,`refunded_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `payment_refunds_stripe_idx` ON `payment_refunds` (`org_id`,`stripe_refund_id`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`invoice_id` text,
	`contact_id` text,
	`company_id` text,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`method` text NOT NULL,
	`status` text NOT NULL,
	`amount_refunded` integer DEFAULT 0 NOT NULL,
	`fee` integer,
	`net` integer,
	`stripe_connection_id` text,
	`stripe_payment_intent_id` text,
	`stripe_charge_id` text,
	`stripe_checkout_session_id` text,
	`stripe_balance_transaction_id` text,
	`reference` text,
	`needs_review` integer DEFAULT false NOT NULL,
	`review_note` text,
	`disputed_at` integer,
	`received_at` integer NOT NULL,
	`recorded_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `payments_org_invoice_idx` ON `payments` (`org_id`,`invoice_id`);--> statement-breakpoint
CREATE INDEX `payments_org_received_idx` ON `payments` (`org_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `payments_org_review_idx` ON `payments` (`org_id`,`needs_review`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_org_intent_idx` ON `payments` (`org_id`,`stripe_payment_intent_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_org_charge_idx` ON `payments` (`org_id`,`stripe_charge_id`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`sku` text,
	`description` text,
	`unit_price` integer NOT NULL,
	`currency` text NOT NULL,
	`tax_rate_bps` integer DEFAULT 0 NOT NULL,
	`default_period_months` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `products_org_name_idx` ON `products` (`org_id`,`active`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `products_org_sku_idx` ON `products` (`org_id`,`sku`);--> statement-breakpoint
CREATE TABLE `reconciliation_items` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`run_id` text NOT NULL,
	`kind` text NOT NULL,
	`payment_id` text,
	`stripe_balance_transaction_id` text,
	`stripe_charge_id` text,
	`currency` text,
	`expected` integer,
	`actual` integer,
	`message` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reconciliation_items_run_idx` ON `reconciliation_items` (`org_id`,`run_id`);--> statement-breakpoint
CREATE TABLE `reconciliation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`from_at` integer NOT NULL,
	`to_at` integer NOT NULL,
	`status` text NOT NULL,
	`trigger` text NOT NULL,
	`compared` integer DEFAULT 0 NOT NULL,
	`matched` integer DEFAULT 0 NOT NULL,
	`mismatches` integer DEFAULT 0 NOT NULL,
	`error` text,
	`started_by` text,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `reconciliation_runs_org_idx` ON `reconciliation_runs` (`org_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `revenue_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`invoice_id` text NOT NULL,
	`invoice_line_id` text NOT NULL,
	`product_id` text,
	`company_id` text,
	`owner_id` text,
	`currency` text NOT NULL,
	`period` text NOT NULL,
	`amount` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `revenue_entries_line_period_idx` ON `revenue_entries` (`org_id`,`invoice_line_id`,`period`);--> statement-breakpoint
CREATE INDEX `revenue_entries_org_period_idx` ON `revenue_entries` (`org_id`,`period`);--> statement-breakpoint
CREATE TABLE `stripe_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`config_ciphertext` text NOT NULL,
	`config_iv` text NOT NULL,
	`public_config` text DEFAULT '{}' NOT NULL,
	`livemode` integer NOT NULL,
	`key_last4` text NOT NULL,
	`account_id` text,
	`enabled` integer DEFAULT true NOT NULL,
	`last_test_status` text,
	`last_test_message` text,
	`last_tested_at` integer,
	`last_event_at` integer,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stripe_connections_org_idx` ON `stripe_connections` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`org_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`event_id` text NOT NULL,
	`type` text NOT NULL,
	`outcome` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `stripe_events_org_idx` ON `stripe_events` (`org_id`,`created_at`);