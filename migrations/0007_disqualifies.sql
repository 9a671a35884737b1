-- depends: 0001_foundation
-- Whether a deduction disqualifies the household from that year's civilised-family list, as
-- the rule said when the deduction was approved (a later change of the rule changes nothing).
ALTER TABLE statement_entries ADD COLUMN disqualifies INTEGER NOT NULL DEFAULT 0;
