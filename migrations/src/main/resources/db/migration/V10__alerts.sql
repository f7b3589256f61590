-- Thresholds, alerts and their webhooks (docs/alerts.md).

-- Thresholds on a team's budgets, as set (ThresholdSet / ThresholdRemoved).
CREATE TABLE budget_thresholds (
    team_id       VARCHAR(100) NOT NULL,
    threshold_id  VARCHAR(100) NOT NULL,
    scope         VARCHAR(8)   NOT NULL,          -- team, user, key, tag
    subject       VARCHAR(200),                   -- the user, key or tag; NULL for team
    kind          VARCHAR(8)   NOT NULL,          -- percent, run_out
    percent       INTEGER      NOT NULL,
    set_by        TEXT         NOT NULL,
    reason        TEXT,
    set_at        TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (team_id, threshold_id)
);

-- Every crossing (BudgetThresholdCrossed): at most one per threshold, account and period.
CREATE TABLE budget_alerts (
    alert_id          VARCHAR(440) PRIMARY KEY,
    team_id           VARCHAR(100) NOT NULL,
    threshold_id      VARCHAR(100) NOT NULL,
    scope             VARCHAR(8)   NOT NULL,
    subject           VARCHAR(200),
    kind              VARCHAR(8)   NOT NULL,
    percent           INTEGER      NOT NULL,
    account           VARCHAR(4)   NOT NULL,      -- team, user, key
    user_id           VARCHAR(200),
    key_id            VARCHAR(100),
    effective_limit   NUMERIC(28,9) NOT NULL,
    spent             NUMERIC(28,9) NOT NULL,
    period_start      TIMESTAMPTZ  NOT NULL,
    period_end        TIMESTAMPTZ,
    projected_run_out TIMESTAMPTZ,
    cause             VARCHAR(16)  NOT NULL,
    request_id        VARCHAR(64),
    at                TIMESTAMPTZ  NOT NULL
);
CREATE INDEX budget_alerts_team_at ON budget_alerts (team_id, at DESC);
CREATE INDEX budget_alerts_at ON budget_alerts (at DESC);

-- Webhook endpoints (WebhookEndpointRegistered / WebhookEndpointRemoved). Written in the transaction of the event
-- (a subscribing processor), so that the outbox below always sees the endpoints in force.
CREATE TABLE webhook_endpoints (
    endpoint_id        VARCHAR(100) PRIMARY KEY,
    url                VARCHAR(2048) NOT NULL,
    teams              VARCHAR(100)[] NOT NULL,   -- empty: every team
    secret_fingerprint VARCHAR(16)  NOT NULL,     -- the first hex digits of SHA-256 of the secret, never the secret
    description        TEXT,
    created_by         TEXT         NOT NULL,
    created_at         TIMESTAMPTZ  NOT NULL,
    removed_at         TIMESTAMPTZ,
    removed_by         TEXT
);

-- Signing secrets, encrypted (AES-256-GCM, a random nonce first): needed in clear only to sign a delivery.
CREATE TABLE webhook_secrets (
    endpoint_id VARCHAR(100) PRIMARY KEY,
    ciphertext  BYTEA        NOT NULL
);

-- The outbox: one row per alert and endpoint, written in the transaction that records the alert. A delivery is
-- pending until an endpoint answers 2xx (delivered) or its retries run out (dead, redeliverable by an admin).
CREATE TABLE webhook_deliveries (
    id              BIGSERIAL    PRIMARY KEY,
    alert_id        VARCHAR(440) NOT NULL,        -- the idempotency id receivers see
    endpoint_id     VARCHAR(100) NOT NULL,
    team_id         VARCHAR(100) NOT NULL,
    event_type      VARCHAR(64)  NOT NULL,
    payload         TEXT         NOT NULL,        -- the JSON body exactly as sent (no secret in it)
    state           VARCHAR(10)  NOT NULL,        -- pending, delivered, dead
    attempts        INTEGER      NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ  NOT NULL,
    next_attempt_at TIMESTAMPTZ  NOT NULL,
    retry_from      TIMESTAMPTZ  NOT NULL,        -- retried until tollgate.alerts.retry-for after this (a redelivery restarts it)
    lease_until     TIMESTAMPTZ,                  -- a node is sending it until then
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TIMESTAMPTZ,
    dead_at         TIMESTAMPTZ,
    UNIQUE (alert_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_team ON webhook_deliveries (team_id, created_at DESC);

-- The delivery log: every attempt, its answer's status (or what failed) and how long it took.
CREATE TABLE webhook_attempts (
    delivery    BIGINT      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt     INTEGER     NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    status      INTEGER,
    error       TEXT,
    duration_ms BIGINT      NOT NULL,
    PRIMARY KEY (delivery, attempt)
);
