-- depends: 0014_credential_changes
-- A rule's monthly cap on what one proposer may propose for the same resident (邻里互助 between
-- the same two residents, issue 13), in the rule terms and community overrides read models.
-- Rebuildable like them: rules given this cap before this migration show it after
-- `pointsbank rebuild`.

ALTER TABLE rule_terms ADD COLUMN cap_pair_month BIGINT;
ALTER TABLE rule_overrides ADD COLUMN cap_pair_month BIGINT;
