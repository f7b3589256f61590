-- Overruns: what settlements charged beyond their reservations (an upstream that ignored max_tokens, or counted
-- more prompt tokens than Tollgate). Recorded as SpendOverran events from this release on, and counted in the
-- balances: never hidden in a total. Rows written before stay at 0 (the ledger did not count overruns then).

-- The overrun in the account's current period: the part of `spent` beyond reservations.
ALTER TABLE budget_status    ADD COLUMN overrun NUMERIC(28,9) NOT NULL DEFAULT 0;
-- The request's excess over its reservation (cost - reserved when positive).
ALTER TABLE message_costs    ADD COLUMN overrun NUMERIC(28,9) NOT NULL DEFAULT 0;
-- Summed per day like cost; part of cost, not added to it.
ALTER TABLE spend_daily_team ADD COLUMN overrun NUMERIC(28,9) NOT NULL DEFAULT 0;
ALTER TABLE spend_daily_user ADD COLUMN overrun NUMERIC(28,9) NOT NULL DEFAULT 0;
ALTER TABLE spend_daily_tag  ADD COLUMN overrun NUMERIC(28,9) NOT NULL DEFAULT 0;
