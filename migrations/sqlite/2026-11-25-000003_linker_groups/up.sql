-- An accredited linker publishes through a personal group: an organization tied to them.
-- (No REFERENCES here: SQLite cannot drop a column that is part of a foreign key.)
ALTER TABLE organizations ADD COLUMN linker_user_id BIGINT;
CREATE UNIQUE INDEX organizations_linker_user_id ON organizations (linker_user_id);
