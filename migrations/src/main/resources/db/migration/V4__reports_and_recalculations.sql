-- Finance: spend rollups, cost corrections, recalculations.

-- A request's cost after an approved correction; NULL when never corrected. `cost` keeps what was settled.
ALTER TABLE message_costs ADD COLUMN adjusted_cost NUMERIC(28,9);
ALTER TABLE message_costs ADD COLUMN images BIGINT;

-- Spend per UTC day of the request's start, maintained by the spend-rollups projection so that reports over a
-- year of traffic read thousands of rows, not millions. `requests` counts charged requests (settled or expired);
-- `adjustments` sums approved corrections. Empty strings stand for "none" so that the keys can be primary keys.
CREATE TABLE spend_daily_team (
    day               DATE          NOT NULL,
    team_id           VARCHAR(100)  NOT NULL,
    model             VARCHAR(200)  NOT NULL,
    provider          VARCHAR(100)  NOT NULL,
    requests          BIGINT        NOT NULL,
    prompt_tokens     BIGINT        NOT NULL,
    completion_tokens BIGINT        NOT NULL,
    cost              NUMERIC(28,9) NOT NULL,
    adjustments       NUMERIC(28,9) NOT NULL,
    PRIMARY KEY (day, team_id, model, provider)
);
CREATE INDEX spend_daily_team_team ON spend_daily_team (team_id, day);

CREATE TABLE spend_daily_user (
    day               DATE          NOT NULL,
    team_id           VARCHAR(100)  NOT NULL,
    user_id           VARCHAR(200)  NOT NULL,
    model             VARCHAR(200)  NOT NULL,
    provider          VARCHAR(100)  NOT NULL,
    requests          BIGINT        NOT NULL,
    prompt_tokens     BIGINT        NOT NULL,
    completion_tokens BIGINT        NOT NULL,
    cost              NUMERIC(28,9) NOT NULL,
    adjustments       NUMERIC(28,9) NOT NULL,
    PRIMARY KEY (day, team_id, user_id, model, provider)
);
CREATE INDEX spend_daily_user_team ON spend_daily_user (team_id, day);
CREATE INDEX spend_daily_user_user ON spend_daily_user (user_id, day);

-- One row per tag a request carried: a request tagged course=cs101,assignment=3 counts under both keys.
CREATE TABLE spend_daily_tag (
    day               DATE          NOT NULL,
    team_id           VARCHAR(100)  NOT NULL,
    tag_key           VARCHAR(200)  NOT NULL,
    tag_value         VARCHAR(500)  NOT NULL,
    model             VARCHAR(200)  NOT NULL,
    provider          VARCHAR(100)  NOT NULL,
    requests          BIGINT        NOT NULL,
    prompt_tokens     BIGINT        NOT NULL,
    completion_tokens BIGINT        NOT NULL,
    cost              NUMERIC(28,9) NOT NULL,
    adjustments       NUMERIC(28,9) NOT NULL,
    PRIMARY KEY (day, team_id, tag_key, tag_value, model, provider)
);
CREATE INDEX spend_daily_tag_key ON spend_daily_tag (tag_key, tag_value, day);

-- Recalculations, from their events (the recalculations projection).
CREATE TABLE recalculations (
    recalculation_id VARCHAR(64)   PRIMARY KEY,
    status           VARCHAR(16)   NOT NULL,
    range_from       TIMESTAMPTZ   NOT NULL,
    range_to         TIMESTAMPTZ   NOT NULL,
    reason           TEXT          NOT NULL,
    requested_by     TEXT,
    requested_at     TIMESTAMPTZ   NOT NULL,
    scanned          BIGINT,
    changed          BIGINT,
    old_total        NUMERIC(28,9),
    new_total        NUMERIC(28,9),
    completed_at     TIMESTAMPTZ,
    error            TEXT,
    approved_by      TEXT,
    approved_at      TIMESTAMPTZ,
    approval_reason  TEXT,
    applied_at       TIMESTAMPTZ,
    adjusted         BIGINT
);
CREATE INDEX recalculations_requested ON recalculations (requested_at DESC);

-- Written by the recalculation replay while it runs: how far it got (for the progress shown to finance).
CREATE TABLE recalculation_progress (
    recalculation_id VARCHAR(64)   PRIMARY KEY,
    scanned          BIGINT        NOT NULL,
    total            BIGINT        NOT NULL,
    updated_at       TIMESTAMPTZ   NOT NULL
);

-- The diff: one line per request whose cost differs at the corrected prices.
CREATE TABLE recalculation_lines (
    recalculation_id VARCHAR(64)   NOT NULL,
    request_id       VARCHAR(64)   NOT NULL,
    team_id          VARCHAR(100)  NOT NULL,
    user_id          VARCHAR(200),
    key_id           VARCHAR(64),
    model            VARCHAR(200),
    provider         VARCHAR(100),
    started_at       TIMESTAMPTZ   NOT NULL,
    usage            JSONB         NOT NULL,
    tags             JSONB         NOT NULL DEFAULT '{}',
    old_cost         NUMERIC(28,9) NOT NULL,
    new_cost         NUMERIC(28,9) NOT NULL,
    price_version    VARCHAR(100),
    PRIMARY KEY (recalculation_id, request_id)
);
CREATE INDEX recalculation_lines_team ON recalculation_lines (recalculation_id, team_id, request_id);
