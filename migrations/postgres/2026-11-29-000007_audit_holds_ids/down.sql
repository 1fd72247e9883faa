-- NOT VALID: records whose actor is gone stay as they are; new rows are checked again.
ALTER TABLE audit_log
    ADD CONSTRAINT audit_log_actor_user_id_fkey FOREIGN KEY (actor_user_id) REFERENCES users (id)
    NOT VALID;
