-- depends: 0009_accounts
-- Residents' activation codes (issue 13): a secret, so kept here and never in an event, and only
-- as a SHA-256 (a code carries 60 random bits). One live code per resident: a new slip replaces
-- the row, so the old code stops working. Not a projection: a rebuild leaves it alone.

CREATE TABLE activation_codes (
    resident_id TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    slip INTEGER NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
