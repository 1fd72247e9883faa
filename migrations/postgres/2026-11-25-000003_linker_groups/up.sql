-- An accredited linker publishes through a personal group: an organization tied to them.
ALTER TABLE organizations ADD COLUMN linker_user_id BIGINT REFERENCES users (id);
CREATE UNIQUE INDEX organizations_linker_user_id ON organizations (linker_user_id);
