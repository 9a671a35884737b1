-- Every change that takes something from a credential (a token revoked, a session ended, a
-- password set, an account changed) is counted here, with whose it was, so that each server
-- process can keep who a token or session belongs to in memory and drop it at once when the
-- count moves (src/pointsbank/credential_cache.py).
CREATE TABLE credential_epoch (id INTEGER PRIMARY KEY, n BIGINT NOT NULL);
INSERT INTO credential_epoch (id, n) VALUES (1, 0);
CREATE TABLE credential_changes (n BIGINT PRIMARY KEY, user_id TEXT NOT NULL);
