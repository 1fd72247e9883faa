CREATE TABLE audit_log_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_user_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT,
    detail TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
INSERT INTO audit_log_old (id, actor_user_id, action, subject_kind, subject_id, detail, at)
    SELECT id, actor_user_id, action, subject_kind, subject_id, detail, at FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_old RENAME TO audit_log;
CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id);
