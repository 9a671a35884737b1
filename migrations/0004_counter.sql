-- depends: 0001_foundation
-- Read models of the service supermarket counter (rebuildable from the event log).

CREATE TABLE goods (
    goods_id TEXT PRIMARY KEY,
    community_id TEXT,
    name TEXT NOT NULL,
    price INTEGER NOT NULL,
    stock INTEGER NOT NULL,
    household_limit INTEGER NOT NULL,
    active INTEGER NOT NULL,
    listed_on TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX goods_community ON goods (community_id);

CREATE TABLE receipts (
    receipt_id TEXT PRIMARY KEY,
    number TEXT NOT NULL,
    community_id TEXT NOT NULL,
    resident_id TEXT NOT NULL,
    clerk_id TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    points BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    cancelled_on TEXT,
    cancelled_at TEXT,
    cancelled_by TEXT,
    cancel_reason TEXT
);
CREATE INDEX receipts_resident ON receipts (resident_id, issued_at);
CREATE INDEX receipts_issued ON receipts (community_id, issued_on, clerk_id);
CREATE INDEX receipts_cancelled ON receipts (community_id, cancelled_on, cancelled_by);

CREATE TABLE receipt_lines (
    receipt_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    goods_id TEXT NOT NULL,
    name TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    price INTEGER NOT NULL,
    points BIGINT NOT NULL,
    PRIMARY KEY (receipt_id, line)
);

CREATE TABLE stock_movements (
    goods_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    stock_after INTEGER NOT NULL,
    receipt_id TEXT,
    occurred_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (goods_id, version)
);
CREATE INDEX stock_movements_day ON stock_movements (occurred_on, actor_id);
