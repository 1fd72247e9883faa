-- Notifications: what a signed-in person is told (a seat freed up for them, a proposal was
-- answered, an accreditation was decided…), written in the same transaction as the change,
-- so someone who was not connected reads them later. Words are chosen when they are read, in
-- the reader's language; `data` holds only ids and flags (JSON).
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, id);
