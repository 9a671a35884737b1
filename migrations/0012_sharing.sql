-- depends: 0011_activation_codes
-- Needs and offers between neighbours (issue 13). `sharing_texts` holds what residents write
-- (description, when, where): personal data under PIPL, kept out of the events and keyed by the
-- resident who wrote it, so that erasing the resident deletes it. Not a projection: a rebuild
-- leaves it alone. `needs` and `offers` are read models of the Need and Offer aggregates.

CREATE TABLE sharing_texts (
    post_id TEXT PRIMARY KEY,
    resident_id TEXT NOT NULL,
    description TEXT NOT NULL,
    when_text TEXT NOT NULL,
    where_text TEXT NOT NULL
);
CREATE INDEX sharing_texts_resident ON sharing_texts (resident_id);

CREATE TABLE needs (
    need_id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL,
    grid TEXT NOT NULL,
    category TEXT NOT NULL,
    poster_id TEXT NOT NULL,
    helper_id TEXT,
    state TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    posted_on TEXT NOT NULL,
    closed_on TEXT,
    hidden_reason TEXT
);
CREATE INDEX needs_community ON needs (community_id, state, posted_at);

CREATE TABLE offers (
    offer_id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL,
    grid TEXT NOT NULL,
    category TEXT NOT NULL,
    kind TEXT NOT NULL,
    terms TEXT NOT NULL,
    poster_id TEXT NOT NULL,
    state TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    hidden_reason TEXT
);
CREATE INDEX offers_community ON offers (community_id, state, category);
