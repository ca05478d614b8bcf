-- Full-text search: one FTS5 index per record type, rowid = the record's rowid,
-- kept current by triggers. org_id is an indexed column so a query matches
-- within one organization first (org_id : "<uuid>" AND ...).

CREATE VIRTUAL TABLE `companies_fts` USING fts5(org_id, name, details, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `companies_fts_insert` AFTER INSERT ON `companies` BEGIN
  INSERT INTO `companies_fts` (rowid, org_id, name, details) VALUES (new.rowid, new.org_id, new.name, coalesce(new.domain,'') || ' ' || coalesce(new.industry,'') || ' ' || coalesce(new.website,''));
END;--> statement-breakpoint
CREATE TRIGGER `companies_fts_update` AFTER UPDATE ON `companies` BEGIN
  DELETE FROM `companies_fts` WHERE rowid = old.rowid;
  INSERT INTO `companies_fts` (rowid, org_id, name, details) VALUES (new.rowid, new.org_id, new.name, coalesce(new.domain,'') || ' ' || coalesce(new.industry,'') || ' ' || coalesce(new.website,''));
END;--> statement-breakpoint
CREATE TRIGGER `companies_fts_delete` AFTER DELETE ON `companies` BEGIN
  DELETE FROM `companies_fts` WHERE rowid = old.rowid;
END;--> statement-breakpoint
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(org_id, name, details, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `contacts_fts_insert` AFTER INSERT ON `contacts` BEGIN
  INSERT INTO `contacts_fts` (rowid, org_id, name, details) VALUES (new.rowid, new.org_id, new.first_name || ' ' || new.last_name, coalesce(new.email,'') || ' ' || coalesce(new.phone,'') || ' ' || coalesce(new.title,''));
END;--> statement-breakpoint
CREATE TRIGGER `contacts_fts_update` AFTER UPDATE ON `contacts` BEGIN
  DELETE FROM `contacts_fts` WHERE rowid = old.rowid;
  INSERT INTO `contacts_fts` (rowid, org_id, name, details) VALUES (new.rowid, new.org_id, new.first_name || ' ' || new.last_name, coalesce(new.email,'') || ' ' || coalesce(new.phone,'') || ' ' || coalesce(new.title,''));
END;--> statement-breakpoint
CREATE TRIGGER `contacts_fts_delete` AFTER DELETE ON `contacts` BEGIN
  DELETE FROM `contacts_fts` WHERE rowid = old.rowid;
END;--> statement-breakpoint
CREATE VIRTUAL TABLE `leads_fts` USING fts5(org_id, name, details, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `leads_fts_insert` AFTER INSERT ON `leads` BEGIN
  INSERT INTO `leads_fts` (rowid, org_id, name, details) VALUES (new.rowid, new.org_id, new.first_name || ' ' || new.last_name, coalesce(new.company_name,'') || ' ' || coalesce(new.email,'') || ' ' || coalesce(new.phone,''));
END;--> statement-breakpoint
CREATE TRIGGER `leads_fts_update` AFTER UPDATE ON `leads` BEGIN
  DELETE FROM `leads_fts` WHERE rowid = old.rowid;
  INSERT INTO `leads_fts` (rowid, org_id, name, details) VALUES (new.rowid, new.org_id, new.first_name || ' ' || new.last_name, coalesce(new.company_name,'') || ' ' || coalesce(new.email,'') || ' ' || coalesce(new.phone,''));
END;--> statement-breakpoint
CREATE TRIGGER `leads_fts_delete` AFTER DELETE ON `leads` BEGIN
  DELETE FROM `leads_fts` WHERE rowid = old.rowid;
END;--> statement-breakpoint
CREATE VIRTUAL TABLE `deals_fts` USING fts5(org_id, name, details, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE TRIGGER `deals_fts_insert` AFTER INSERT ON `deals` BEGIN
  INSERT INTO `deals_fts` (rowid, org_id, name, details) VALUES (new.rowid, new.org_id, new.title, coalesce(new.currency,''));
END;--> statement-breakpoint
CREATE TRIGGER `deals_fts_update` AFTER UPDATE ON `deals` BEGIN
  DELETE FROM `deals_fts` WHERE rowid = old.rowid;
  INSERT INTO `deals_fts` (rowid, org_id, name, details) VALUES (new.rowid, new.org_id, new.title, coalesce(new.currency,''));
END;--> statement-breakpoint
CREATE TRIGGER `deals_fts_delete` AFTER DELETE ON `deals` BEGIN
  DELETE FROM `deals_fts` WHERE rowid = old.rowid;
END;--> statement-breakpoint
