-- Read tables, written only by the projections (tracking processors) and read by the query side.
-- Money is NUMERIC with 9 decimals: the ledger's nano-units, exactly.

CREATE TABLE teams (
    team_id            VARCHAR(100)  PRIMARY KEY,
    name               TEXT          NOT NULL,
    budget_limit       NUMERIC(28,9),
    budget_period      VARCHAR(16)   NOT NULL,
    member_limit       NUMERIC(28,9),
    member_period      VARCHAR(16)   NOT NULL,
    over_budget_policy VARCHAR(16)   NOT NULL,
    created_at         TIMESTAMPTZ   NOT NULL,
    updated_at         TIMESTAMPTZ   NOT NULL
);

CREATE TABLE users (
    user_id         VARCHAR(200)  PRIMARY KEY,
    team_id         VARCHAR(100)  NOT NULL,
    external_id     VARCHAR(200)  NOT NULL,
    name            TEXT,
    -- the user's own budget; NULL limit and period when the team's member budget applies
    budget_limit    NUMERIC(28,9),
    budget_period   VARCHAR(16),
    own_budget      BOOLEAN       NOT NULL,
    auto_registered BOOLEAN       NOT NULL,
    created_at      TIMESTAMPTZ   NOT NULL,
    updated_at      TIMESTAMPTZ   NOT NULL,
    CONSTRAINT users_team_external UNIQUE (team_id, external_id)
);

-- Keys: the SHA-256 of the secret only, never the secret.
CREATE TABLE api_keys (
    key_id         VARCHAR(64)   PRIMARY KEY,
    secret_hash    CHAR(64)      NOT NULL UNIQUE,
    display_prefix VARCHAR(32)   NOT NULL,
    name           TEXT,
    team_id        VARCHAR(100)  NOT NULL,
    user_id        VARCHAR(200),
    allowed_models TEXT[]        NOT NULL DEFAULT '{}',
    expires_at     TIMESTAMPTZ,
    created_at     TIMESTAMPTZ   NOT NULL,
    created_by     TEXT,
    revoked_at     TIMESTAMPTZ,
    revoked_by     TEXT,
    revoke_reason  TEXT
);
CREATE INDEX api_keys_team ON api_keys (team_id);
CREATE INDEX api_keys_user ON api_keys (user_id);

-- One row per request that reached a budget decision. No prompt or completion text, ever.
CREATE TABLE message_costs (
    request_id           VARCHAR(64)   PRIMARY KEY,
    started_at           TIMESTAMPTZ   NOT NULL,
    finished_at          TIMESTAMPTZ,
    team_id              VARCHAR(100)  NOT NULL,
    user_id              VARCHAR(200),
    key_id               VARCHAR(64),
    model                VARCHAR(200),
    provider             VARCHAR(100),
    deployment           VARCHAR(200),
    -- reserved (in flight), settled, released, rejected or expired
    outcome              VARCHAR(16)   NOT NULL,
    reason               TEXT,
    reserved             NUMERIC(28,9) NOT NULL DEFAULT 0,
    cost                 NUMERIC(28,9) NOT NULL DEFAULT 0,
    prompt_tokens        BIGINT,
    completion_tokens    BIGINT,
    cached_tokens        BIGINT,
    reasoning_tokens     BIGINT,
    requested_max_tokens BIGINT,
    granted_max_tokens   BIGINT,
    clamped              BOOLEAN       NOT NULL DEFAULT FALSE,
    price_version        VARCHAR(100),
    latency_ms           BIGINT,
    expires_at           TIMESTAMPTZ,
    -- an expired reservation charged at its estimate, for finance to review
    flagged              BOOLEAN       NOT NULL DEFAULT FALSE
);
CREATE INDEX message_costs_started ON message_costs (started_at DESC, request_id);
CREATE INDEX message_costs_team_started ON message_costs (team_id, started_at DESC);
CREATE INDEX message_costs_user_started ON message_costs (user_id, started_at DESC);
CREATE INDEX message_costs_open ON message_costs (expires_at) WHERE outcome = 'reserved';

-- Live budgets: the balance carried by the latest event of each account.
CREATE TABLE budget_status (
    account_type         VARCHAR(8)    NOT NULL,
    account_id           VARCHAR(200)  NOT NULL,
    team_id              VARCHAR(100)  NOT NULL,
    budget_limit         NUMERIC(28,9),
    budget_period        VARCHAR(16)   NOT NULL,
    follows_team_default BOOLEAN       NOT NULL DEFAULT FALSE,
    period_start         TIMESTAMPTZ   NOT NULL,
    period_end           TIMESTAMPTZ,
    spent                NUMERIC(28,9) NOT NULL,
    reserved             NUMERIC(28,9) NOT NULL,
    -- the team aggregate's sequence number of the event that wrote this row: older events never overwrite it
    event_sequence       BIGINT        NOT NULL,
    updated_at           TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (account_type, account_id)
);
CREATE INDEX budget_status_team ON budget_status (team_id);
