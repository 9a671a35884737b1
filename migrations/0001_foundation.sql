-- Read models of the ledger (rebuildable from the event log), the erasable personal-data
-- registry and the user accounts (neither of which is a projection).

CREATE TABLE projection_tracking (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);
INSERT INTO projection_tracking (name, position) VALUES ('read_models', 0);

CREATE TABLE communities (
    community_id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE grids (
    community_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (community_id, code)
);

CREATE TABLE rules (
    rule_id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    points INTEGER NOT NULL,
    active INTEGER NOT NULL
);

CREATE TABLE residents (
    resident_id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL,
    grid TEXT NOT NULL,
    party_member INTEGER NOT NULL,
    without_hukou INTEGER NOT NULL,
    household_id TEXT,
    enrolled_on TEXT NOT NULL,
    balance BIGINT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX residents_community ON residents (community_id, grid);
CREATE INDEX residents_household ON residents (household_id);

CREATE TABLE households (
    household_id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_on TEXT NOT NULL
);
CREATE INDEX households_community ON households (community_id);

CREATE TABLE household_members (
    household_id TEXT NOT NULL,
    resident_id TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    left_on TEXT,
    PRIMARY KEY (resident_id, joined_on, household_id)
);
CREATE INDEX household_members_household ON household_members (household_id);

CREATE TABLE statement_entries (
    resident_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    rule_code TEXT,
    rule_version INTEGER,
    quantity INTEGER,
    points BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    corrects_version INTEGER,
    occurred_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (resident_id, version)
);
CREATE INDEX statement_entries_occurred ON statement_entries (occurred_on);

CREATE TABLE personal_data (
    resident_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT,
    id_card TEXT,
    erased_at TEXT
);
CREATE INDEX personal_data_name ON personal_data (name);
CREATE INDEX personal_data_phone ON personal_data (phone);

CREATE TABLE accounts (
    user_id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    community_id TEXT,
    resident_id TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
