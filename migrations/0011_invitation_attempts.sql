-- Wrong passwords given through an invitation link: at the cap (worker/identity/invitations.ts) the link stops working,
-- so an inviter cannot use it to guess an existing account's password without end.
ALTER TABLE `invitations` ADD `failed_attempts` integer DEFAULT 0 NOT NULL;
