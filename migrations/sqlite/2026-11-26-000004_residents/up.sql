-- Residents: the people Legami is for, with or without an account; their linkers, consents,
-- questionnaires, the activities they set aside, and admins' audited "break glass" access.
-- Home is stored coarse only: an H3 cell (resolution 8, about 0.7 km²) or an area code.

CREATE TABLE residents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT UNIQUE REFERENCES users (id),
    display_name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL,
    status TEXT NOT NULL,
    locale TEXT NOT NULL DEFAULT 'it',
    birth_year INTEGER,
    languages TEXT NOT NULL DEFAULT '',
    home_cell TEXT,
    home_area TEXT,
    travel_radius_m INTEGER NOT NULL,
    availability INTEGER NOT NULL DEFAULT 0,
    wheelchair BOOLEAN NOT NULL DEFAULT FALSE,
    accessibility TEXT NOT NULL DEFAULT '',
    budget_cents INTEGER,
    wants_company BOOLEAN NOT NULL DEFAULT FALSE,
    prefers_small_groups BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX residents_status ON residents (status);

CREATE TABLE resident_interests (
    resident_id BIGINT NOT NULL REFERENCES residents (id),
    interest_id BIGINT NOT NULL REFERENCES interests (id),
    PRIMARY KEY (resident_id, interest_id)
);

CREATE TABLE resident_linkers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id BIGINT NOT NULL REFERENCES residents (id),
    linker_user_id BIGINT NOT NULL REFERENCES users (id),
    added_by BIGINT REFERENCES users (id),
    since TIMESTAMP NOT NULL,
    until TIMESTAMP
);
CREATE UNIQUE INDEX resident_linkers_active ON resident_linkers (resident_id, linker_user_id) WHERE until IS NULL;
CREATE INDEX resident_linkers_linker ON resident_linkers (linker_user_id);

CREATE TABLE consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id BIGINT NOT NULL REFERENCES residents (id),
    purpose TEXT NOT NULL,
    channel TEXT NOT NULL,
    given_by TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users (id),
    given_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by BIGINT REFERENCES users (id),
    withdrawal_channel TEXT
);
CREATE INDEX consents_resident ON consents (resident_id);

CREATE TABLE questionnaire_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id BIGINT NOT NULL REFERENCES residents (id),
    instrument TEXT NOT NULL,
    answers TEXT NOT NULL,
    score INTEGER NOT NULL,
    lonely BOOLEAN NOT NULL,
    context TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX questionnaire_responses_resident ON questionnaire_responses (resident_id, recorded_at);

CREATE TABLE suggestion_dismissals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id BIGINT NOT NULL REFERENCES residents (id),
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    reason TEXT NOT NULL DEFAULT '',
    dismissed_by BIGINT REFERENCES users (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX suggestion_dismissals_resident ON suggestion_dismissals (resident_id, at);

CREATE TABLE break_glass (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    admin_user_id BIGINT NOT NULL REFERENCES users (id),
    resident_id BIGINT NOT NULL REFERENCES residents (id),
    reason TEXT NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX break_glass_admin ON break_glass (admin_user_id, resident_id);
