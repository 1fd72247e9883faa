-- Taking part: seats per session (exact capacity, a first-come waitlist, seats held for
-- residents referred by linkers), bookings (with companion seats, attendance and what the
-- person said afterwards), and linkers' referrals with their history.

-- Seats an activity holds for residents referred by linkers (a row only when there are some).
CREATE TABLE activity_seat_holds (
    activity_id BIGINT PRIMARY KEY REFERENCES activities (id),
    reserved_seats INTEGER NOT NULL
);

-- One row per session: the counters every join updates with one guarded UPDATE, so the
-- capacity check and the seat are taken under the same row lock.
CREATE TABLE session_seats (
    session_id BIGINT PRIMARY KEY REFERENCES activity_sessions (id),
    capacity INTEGER,
    reserved INTEGER NOT NULL DEFAULT 0,
    reserve_until TIMESTAMP,
    taken INTEGER NOT NULL DEFAULT 0,
    referred_taken INTEGER NOT NULL DEFAULT 0,
    waiting INTEGER NOT NULL DEFAULT 0,
    seq BIGINT NOT NULL DEFAULT 0,
    last_ok BOOLEAN NOT NULL DEFAULT FALSE,
    checkin_code TEXT NOT NULL DEFAULT '',
    register_closed_at TIMESTAMP,
    register_closed_by BIGINT REFERENCES users (id)
);
INSERT INTO session_seats (session_id, capacity)
    SELECT s.id, a.capacity FROM activity_sessions s JOIN activities a ON a.id = s.activity_id;

CREATE TABLE referrals (
    id BIGSERIAL PRIMARY KEY,
    resident_id BIGINT NOT NULL REFERENCES residents (id),
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    session_id BIGINT REFERENCES activity_sessions (id),
    linker_user_id BIGINT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',
    goes_along BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    answered_by BIGINT REFERENCES users (id),
    answer_channel TEXT NOT NULL DEFAULT '',
    answer_reason TEXT NOT NULL DEFAULT '',
    booking_id BIGINT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX referrals_resident ON referrals (resident_id, created_at);
CREATE INDEX referrals_open ON referrals (status, expires_at);

CREATE TABLE referral_events (
    id BIGSERIAL PRIMARY KEY,
    referral_id BIGINT NOT NULL REFERENCES referrals (id),
    status TEXT NOT NULL,
    by_user BIGINT REFERENCES users (id),
    channel TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, at);

CREATE TABLE bookings (
    id BIGSERIAL PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES activity_sessions (id),
    participant_key TEXT NOT NULL,
    resident_id BIGINT REFERENCES residents (id),
    user_id BIGINT REFERENCES users (id),
    guest_name TEXT NOT NULL DEFAULT '',
    guest_email TEXT NOT NULL DEFAULT '',
    guest_phone TEXT NOT NULL DEFAULT '',
    seats INTEGER NOT NULL,
    companion TEXT NOT NULL DEFAULT '',
    referral_id BIGINT REFERENCES referrals (id),
    status TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    channel TEXT NOT NULL,
    booked_by BIGINT REFERENCES users (id),
    share_contact BOOLEAN NOT NULL DEFAULT FALSE,
    share_needs BOOLEAN NOT NULL DEFAULT FALSE,
    manage_token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    promoted_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    cancelled_by TEXT NOT NULL DEFAULT '',
    attendance TEXT NOT NULL DEFAULT '',
    attendance_method TEXT NOT NULL DEFAULT '',
    attendance_by BIGINT REFERENCES users (id),
    attendance_at TIMESTAMP,
    self_report TEXT NOT NULL DEFAULT '',
    felt_welcome BOOLEAN,
    would_return BOOLEAN,
    self_report_at TIMESTAMP
);
-- One live booking per person and session: joining twice finds the first.
CREATE UNIQUE INDEX bookings_one_live ON bookings (session_id, participant_key)
    WHERE status IN ('unconfirmed', 'confirmed', 'waitlisted');
CREATE INDEX bookings_session ON bookings (session_id, status, position);
CREATE INDEX bookings_resident ON bookings (resident_id);
CREATE INDEX bookings_user ON bookings (user_id);
CREATE UNIQUE INDEX bookings_token ON bookings (manage_token_hash);
