-- depends: 0001_foundation
-- Annual points pre-aggregated by the `annual` projection (rebuildable from the event log):
-- resident-year and household-year totals, by category and by member, and closed years.

CREATE TABLE annual_residents (
    resident_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    community_id TEXT NOT NULL,
    grid TEXT NOT NULL,
    party_member INTEGER NOT NULL,
    without_hukou INTEGER NOT NULL,
    points BIGINT NOT NULL,
    PRIMARY KEY (resident_id, year)
);
CREATE INDEX annual_residents_community ON annual_residents (year, community_id, points DESC, resident_id);
CREATE INDEX annual_residents_street ON annual_residents (year, points DESC, resident_id);

CREATE TABLE annual_resident_categories (
    resident_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    category TEXT NOT NULL,
    points BIGINT NOT NULL,
    PRIMARY KEY (resident_id, year, category)
);

CREATE TABLE annual_households (
    household_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    community_id TEXT NOT NULL,
    points BIGINT NOT NULL,
    PRIMARY KEY (household_id, year)
);
CREATE INDEX annual_households_community ON annual_households (year, community_id, points DESC, household_id);
CREATE INDEX annual_households_street ON annual_households (year, points DESC, household_id);

CREATE TABLE annual_contributions (
    household_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    resident_id TEXT NOT NULL,
    category TEXT NOT NULL,
    points BIGINT NOT NULL,
    PRIMARY KEY (household_id, year, resident_id, category)
);
CREATE INDEX annual_contributions_resident ON annual_contributions (resident_id, year);

CREATE TABLE community_years (
    community_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    digest TEXT NOT NULL,
    up_to_position BIGINT NOT NULL,
    summary TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (community_id, year)
);
