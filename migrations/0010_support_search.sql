-- Inbound mail dedupe: the Message-ID that opened a ticket, and the one a reply came with, are unique per organization,
-- so two deliveries of the same mail at the same instant write one ticket (or one comment).
ALTER TABLE `support_tickets` ADD `source_message_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `support_tickets_org_source_message_idx` ON `support_tickets` (`org_id`,`source_message_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `support_comments_org_message_idx` ON `support_comments` (`org_id`,`email_message_id`);--> statement-breakpoint
-- Ticket text search over the conversation too: a `comments` column holds every reply and internal note of the ticket.
-- Rebuilt from support_comments whenever a comment is added, changed, moved (merge) or deleted.
DROP TRIGGER IF EXISTS `support_tickets_fts_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `support_tickets_fts_update`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `support_tickets_fts_delete`;--> statement-breakpoint
DROP TABLE IF EXISTS `support_tickets_fts`;--> statement-breakpoint
CREATE VIRTUAL TABLE `support_tickets_fts` USING fts5(org_id, name, details, comments, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
INSERT INTO `support_tickets_fts` (rowid, org_id, name, details, comments)
  SELECT t.rowid, t.org_id, t.subject, t.number || ' ' || t.description || ' ' || coalesce(t.requester_email,'') || ' ' || coalesce(t.requester_name,''),
    coalesce((SELECT group_concat(c.body, ' ') FROM `support_comments` c WHERE c.org_id = t.org_id AND c.ticket_id = t.id), '')
  FROM `support_tickets` t;--> statement-breakpoint
CREATE TRIGGER `support_tickets_fts_insert` AFTER INSERT ON `support_tickets` BEGIN
  INSERT INTO `support_tickets_fts` (rowid, org_id, name, details, comments) VALUES (new.rowid, new.org_id, new.subject, new.number || ' ' || new.description || ' ' || coalesce(new.requester_email,'') || ' ' || coalesce(new.requester_name,''),
    coalesce((SELECT group_concat(c.body, ' ') FROM `support_comments` c WHERE c.org_id = new.org_id AND c.ticket_id = new.id), ''));
END;--> statement-breakpoint
CREATE TRIGGER `support_tickets_fts_update` AFTER UPDATE OF `subject`, `description`, `requester_email`, `requester_name` ON `support_tickets` BEGIN
  DELETE FROM `support_tickets_fts` WHERE rowid = old.rowid;
  INSERT INTO `support_tickets_fts` (rowid, org_id, name, details, comments) VALUES (new.rowid, new.org_id, new.subject, new.number || ' ' || new.description || ' ' || coalesce(new.requester_email,'') || ' ' || coalesce(new.requester_name,''),
    coalesce((SELECT group_concat(c.body, ' ') FROM `support_comments` c WHERE c.org_id = new.org_id AND c.ticket_id = new.id), ''));
END;--> statement-breakpoint
CREATE TRIGGER `support_tickets_fts_delete` AFTER DELETE ON `support_tickets` BEGIN
  DELETE FROM `support_tickets_fts` WHERE rowid = old.rowid;
END;--> statement-breakpoint
CREATE TRIGGER `support_comments_fts_insert` AFTER INSERT ON `support_comments` BEGIN
  DELETE FROM `support_tickets_fts` WHERE rowid IN (SELECT t.rowid FROM `support_tickets` t WHERE t.org_id = new.org_id AND t.id = new.ticket_id);
  INSERT INTO `support_tickets_fts` (rowid, org_id, name, details, comments)
    SELECT t.rowid, t.org_id, t.subject, t.number || ' ' || t.description || ' ' || coalesce(t.requester_email,'') || ' ' || coalesce(t.requester_name,''),
      coalesce((SELECT group_concat(c.body, ' ') FROM `support_comments` c WHERE c.org_id = t.org_id AND c.ticket_id = t.id), '')
    FROM `support_tickets` t WHERE t.org_id = new.org_id AND t.id = new.ticket_id;
END;--> statement-breakpoint
CREATE TRIGGER `support_comments_fts_update` AFTER UPDATE OF `body`, `ticket_id` ON `support_comments` BEGIN
  DELETE FROM `support_tickets_fts` WHERE rowid IN (SELECT t.rowid FROM `support_tickets` t WHERE t.org_id = new.org_id AND t.id IN (old.ticket_id, new.ticket_id));
  INSERT INTO `support_tickets_fts` (rowid, org_id, name, details, comments)
    SELECT t.rowid, t.org_id, t.subject, t.number || ' ' || t.description || ' ' || coalesce(t.requester_email,'') || ' ' || coalesce(t.requester_name,''),
      coalesce((SELECT group_concat(c.body, ' ') FROM `support_comments` c WHERE c.org_id = t.org_id AND c.ticket_id = t.id), '')
    FROM `support_tickets` t WHERE t.org_id = new.org_id AND t.id IN (old.ticket_id, new.ticket_id);
END;--> statement-breakpoint
CREATE TRIGGER `support_comments_fts_delete` AFTER DELETE ON `support_comments` BEGIN
  DELETE FROM `support_tickets_fts` WHERE rowid IN (SELECT t.rowid FROM `support_tickets` t WHERE t.org_id = old.org_id AND t.id = old.ticket_id);
  INSERT INTO `support_tickets_fts` (rowid, org_id, name, details, comments)
    SELECT t.rowid, t.org_id, t.subject, t.number || ' ' || t.description || ' ' || coalesce(t.requester_email,'') || ' ' || coalesce(t.requester_name,''),
      coalesce((SELECT group_concat(c.body, ' ') FROM `support_comments` c WHERE c.org_id = t.org_id AND c.ticket_id = t.id), '')
    FROM `support_tickets` t WHERE t.org_id = old.org_id AND t.id = old.ticket_id;
END;
