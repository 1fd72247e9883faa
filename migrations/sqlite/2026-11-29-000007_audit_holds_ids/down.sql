CREATE TABLE audit_log_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_user_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT,
    detail TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
-- SQLite cannot keep a reference to a user who is gone: such an actor becomes unknown.
INSERT INTO audit_log_old (id, actor_user_id, action, subject_kind, subject_id, detail, at)
    SELECT id,
        CASE WHEN actor_user_id IN (SELECT id FROM users) THEN actor_user_id END,
        action, subject_kind, subject_id, detail, at
    FROM audit_log;
-- Ids keep counting from where they were, as AUTOINCREMENT promises (the old counter is
-- never below an id it handed out).
DELETE FROM sqlite_sequence WHERE name = 'audit_log_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'audit_log_old', seq FROM sqlite_sequence WHERE name = 'audit_log';
DROP TABLE audit_log;
ALTER TABLE audit_log_old RENAME TO audit_log;
CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id);
