-- The audit log holds ids, not references: it is append-only and must outlive what it
-- names (a user erased later must not take the record of what they did, or block the
-- erasure). The foreign key also made PostgreSQL look the actor up for every row appended —
-- one per read of a resident's file, thousands a second — which cost about twice the
-- insert itself.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_user_id_fkey;
