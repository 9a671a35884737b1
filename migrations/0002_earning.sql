-- depends: 0001_foundation
-- Read models of earning points: rule terms and community overrides, the approvals queue,
-- activities with their attendees, and bulk imports (all rebuildable from the event log).

CREATE TABLE rule_terms (
    code TEXT PRIMARY KEY,
    mode TEXT NOT NULL,
    cap_day INTEGER,
    cap_month INTEGER,
    cap_year INTEGER,
    approval_above INTEGER,
    disqualifies INTEGER NOT NULL,
    in_force_from TEXT,
    in_force_until TEXT
);

CREATE TABLE rule_overrides (
    code TEXT NOT NULL,
    community_id TEXT NOT NULL,
    points INTEGER,
    cap_day INTEGER,
    cap_month INTEGER,
    cap_year INTEGER,
    approval_above INTEGER,
    PRIMARY KEY (code, community_id)
);

CREATE TABLE pending_approvals (
    resident_id TEXT NOT NULL,
    request_version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    rule_code TEXT NOT NULL,
    rule_version INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    points BIGINT NOT NULL,
    occurred_on TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (resident_id, request_version)
);

CREATE TABLE activities (
    activity_id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL,
    rule_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    place TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    organiser TEXT NOT NULL,
    closed INTEGER NOT NULL,
    closed_by TEXT
);
CREATE INDEX activities_community ON activities (community_id, held_on);

CREATE TABLE activity_attendees (
    activity_id TEXT NOT NULL,
    resident_id TEXT NOT NULL,
    signed_up INTEGER NOT NULL,
    attended INTEGER NOT NULL,
    minutes INTEGER,
    awarded_version INTEGER,
    refused TEXT,
    PRIMARY KEY (activity_id, resident_id)
);

CREATE TABLE sheet_imports (
    import_id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    rows_applied INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    actor_id TEXT NOT NULL
);
