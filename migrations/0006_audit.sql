-- depends: 0001_foundation
-- Auditing: the hash chain and its signed digests (evidence, never rebuilt), and the actor
-- activity read model (rebuildable like every projection).

CREATE TABLE audit_chain (
    position BIGINT PRIMARY KEY,
    hash TEXT NOT NULL
);
INSERT INTO projection_tracking (name, position) VALUES ('audit_chain', 0);

CREATE TABLE audit_digests (
    signature TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    head TEXT NOT NULL,
    street TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    public_key TEXT NOT NULL
);
CREATE INDEX audit_digests_position ON audit_digests (position);

CREATE TABLE actor_activity (
    position BIGINT PRIMARY KEY,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    occurred_on TEXT,
    event TEXT NOT NULL,
    originator_id TEXT NOT NULL,
    originator_version INTEGER NOT NULL,
    reason TEXT
);
CREATE INDEX actor_activity_actor ON actor_activity (actor_id, recorded_at);
