DROP INDEX organizations_linker_user_id;
ALTER TABLE organizations DROP COLUMN linker_user_id;
