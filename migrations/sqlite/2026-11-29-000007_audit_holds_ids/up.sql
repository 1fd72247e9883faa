-- The audit log holds ids, not references (see the PostgreSQL migration): SQLite drops a
-- foreign key by rebuilding the table.
CREATE TABLE audit_log_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_user_id BIGINT,
    action TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT,
    detail TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
INSERT INTO audit_log_new (id, actor_user_id, action, subject_kind, subject_id, detail, at)
    SELECT id, actor_user_id, action, subject_kind, subject_id, detail, at FROM audit_log;
-- Ids keep counting from where they were, as AUTOINCREMENT promises (the old counter is
-- never below an id it handed out).
DELETE FROM sqlite_sequence WHERE name = 'audit_log_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'audit_log_new', seq FROM sqlite_sequence WHERE name = 'audit_log';
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id);
