-- Finance operations (issue 11): top-ups of lifetime allowances, price proposals from price sources.

-- One row per top-up of a lifetime allowance (a limited budget without period), from BudgetToppedUp events: the
-- statements' top-up lines. `user_id` is '' for the team's own allowance (so that it can be part of the key).
CREATE TABLE top_ups (
    topup_id     VARCHAR(100)  NOT NULL,
    team_id      VARCHAR(100)  NOT NULL,
    user_id      VARCHAR(200)  NOT NULL,
    amount       NUMERIC(28,9) NOT NULL,
    limit_after  NUMERIC(28,9) NOT NULL,
    actor        TEXT,
    reason       TEXT,
    at           TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (topup_id, team_id, user_id)
);
CREATE INDEX top_ups_team ON top_ups (team_id, at);

-- Price changes a configured price source proposed, from their events: pending until an admin approves or rejects
-- them (or applied at once where the source is set to apply automatically). `changes` is the diff: one object per
-- model and field with its old and new value; `prices` the complete proposed entries of the models that change.
CREATE TABLE price_proposals (
    proposal_id   VARCHAR(100)  PRIMARY KEY,
    source_id     VARCHAR(100)  NOT NULL,
    status        VARCHAR(16)   NOT NULL,
    changes       JSONB         NOT NULL,
    prices        JSONB         NOT NULL,
    proposed_at   TIMESTAMPTZ   NOT NULL,
    decided_by    TEXT,
    decided_at    TIMESTAMPTZ,
    decision_reason TEXT,
    price_version INTEGER
);
CREATE INDEX price_proposals_status ON price_proposals (status, proposed_at DESC);
