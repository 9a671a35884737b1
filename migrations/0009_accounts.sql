-- Accounts become events (invariant 13). `accounts` is now the read model of Account events;
-- secrets live in tables of their own, which are not projections and never enter an event.
-- Tokens of the old token-only accounts cannot be carried over: reissue them.

DROP TABLE accounts;

CREATE TABLE accounts (
    user_id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    community_id TEXT,
    resident_id TEXT,
    disabled INTEGER NOT NULL,
    must_change_password INTEGER NOT NULL,
    opened_at TEXT NOT NULL
);
CREATE INDEX accounts_community ON accounts (community_id, name);

CREATE TABLE passwords (
    user_id TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

-- Only a SHA-256 of the session id is kept: a copy of this table opens no session.
CREATE TABLE sessions (
    session_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    token_id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Sign-ins, failures and lock-outs, readable by the admin and the auditor.
CREATE TABLE sign_in_log (
    entry_id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    user_id TEXT,
    address TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX sign_in_log_name ON sign_in_log (user_name, at);
CREATE INDEX sign_in_log_address ON sign_in_log (address, at);
CREATE INDEX sign_in_log_at ON sign_in_log (at);
