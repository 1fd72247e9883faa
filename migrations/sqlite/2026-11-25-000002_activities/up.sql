-- Interests, areas, activities (series) and their materialized sessions.

CREATE TABLE interests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id BIGINT REFERENCES interests (id),
    slug TEXT NOT NULL UNIQUE,
    name_it TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    deprecated_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE areas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_code TEXT,
    population BIGINT,
    UNIQUE (kind, code)
);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    venue_name TEXT NOT NULL,
    address TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    nil_code TEXT,
    municipio_code TEXT,
    timezone TEXT NOT NULL,
    dtstart_local TIMESTAMP NOT NULL,
    duration_minutes INTEGER NOT NULL,
    rrule TEXT NOT NULL DEFAULT '',
    exdates TEXT NOT NULL DEFAULT '',
    capacity INTEGER,
    cost_kind TEXT NOT NULL,
    cost_cents INTEGER NOT NULL DEFAULT 0,
    cost_help BOOLEAN NOT NULL DEFAULT FALSE,
    languages TEXT NOT NULL DEFAULT '',
    wheelchair TEXT NOT NULL DEFAULT 'no',
    -- comma-separated tags: step_free, accessible_toilet, hearing_loop, sign_language, seating, quiet_space
    accessibility TEXT NOT NULL DEFAULT '',
    -- comma-separated tags: drop_in, first_timer_friendly, welcomer, come_alone, language_light
    low_barrier TEXT NOT NULL DEFAULT '',
    -- JSON object: meeting_point, what_to_expect, what_to_bring (texts shown on the page)
    practical TEXT NOT NULL DEFAULT '{}',
    audience TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX activities_organization_id ON activities (organization_id);
CREATE INDEX activities_updated ON activities (updated_at, id);

CREATE TABLE activity_interests (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    interest_id BIGINT NOT NULL REFERENCES interests (id),
    PRIMARY KEY (activity_id, interest_id)
);
CREATE INDEX activity_interests_interest_id ON activity_interests (interest_id);

CREATE TABLE activity_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    slot_local TIMESTAMP NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    status TEXT NOT NULL,
    is_override BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT NOT NULL DEFAULT '',
    confirmed_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    UNIQUE (activity_id, slot_local)
);
CREATE INDEX activity_sessions_starts_at ON activity_sessions (starts_at);
CREATE INDEX activity_sessions_updated ON activity_sessions (updated_at, id);
CREATE INDEX activity_sessions_position ON activity_sessions (latitude, longitude);
