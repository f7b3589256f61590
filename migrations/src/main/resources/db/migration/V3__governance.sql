-- Governance: boosts, roles, key limits, tags, the price book and the audit trail.

ALTER TABLE users ADD COLUMN tags TEXT[] NOT NULL DEFAULT '{}';
CREATE INDEX users_tags ON users USING GIN (tags);
-- a member who left their team: their history stays, nothing new is charged to them
ALTER TABLE users ADD COLUMN removed_at TIMESTAMPTZ;

ALTER TABLE api_keys ADD COLUMN requests_per_minute BIGINT;
ALTER TABLE api_keys ADD COLUMN tokens_per_minute BIGINT;
ALTER TABLE api_keys ADD COLUMN metadata JSONB NOT NULL DEFAULT '{}';
ALTER TABLE api_keys ADD COLUMN default_tags JSONB NOT NULL DEFAULT '{}';
ALTER TABLE api_keys ADD COLUMN rotated_at TIMESTAMPTZ;
-- the key's own budget, when it has one (its live balance is in budget_status, account_type 'key')
ALTER TABLE api_keys ADD COLUMN budget_limit NUMERIC(28,9);
ALTER TABLE api_keys ADD COLUMN budget_period VARCHAR(16);

ALTER TABLE message_costs ADD COLUMN tags JSONB NOT NULL DEFAULT '{}';
CREATE INDEX message_costs_tags ON message_costs USING GIN (tags jsonb_path_ops);

-- One row per boosted account: a team's boost, a user's, or one member's share of a cohort boost.
CREATE TABLE boosts (
    boost_id      VARCHAR(64)   NOT NULL,
    team_id       VARCHAR(100)  NOT NULL,
    -- '' for the team's own budget
    user_id       VARCHAR(200)  NOT NULL,
    cohort_id     VARCHAR(64),
    amount        NUMERIC(28,9) NOT NULL,
    starts_at     TIMESTAMPTZ   NOT NULL,
    ends_at       TIMESTAMPTZ   NOT NULL,
    reason        TEXT,
    granted_by    TEXT,
    granted_at    TIMESTAMPTZ   NOT NULL,
    -- set when it was revoked early or its end was recorded
    ended_at      TIMESTAMPTZ,
    end_kind      VARCHAR(16),
    ended_by      TEXT,
    end_reason    TEXT,
    PRIMARY KEY (boost_id, team_id, user_id)
);
CREATE INDEX boosts_account ON boosts (team_id, user_id, starts_at, ends_at);
CREATE INDEX boosts_open ON boosts (ends_at) WHERE ended_at IS NULL;

-- The decision of a cohort boost (its members' rows are in boosts).
CREATE TABLE cohort_boosts (
    boost_id    VARCHAR(64)   PRIMARY KEY,
    selector    TEXT          NOT NULL,
    members     INTEGER       NOT NULL,
    teams       TEXT[]        NOT NULL,
    amount      NUMERIC(28,9) NOT NULL,
    starts_at   TIMESTAMPTZ   NOT NULL,
    ends_at     TIMESTAMPTZ   NOT NULL,
    reason      TEXT,
    granted_by  TEXT,
    granted_at  TIMESTAMPTZ   NOT NULL,
    revoked_at  TIMESTAMPTZ,
    revoked_by  TEXT,
    revoke_reason TEXT
);

-- Administrative credentials: the SHA-256 of the secret only.
CREATE TABLE admin_credentials (
    credential_id  VARCHAR(64)   PRIMARY KEY,
    secret_hash    CHAR(64)      NOT NULL UNIQUE,
    display_prefix VARCHAR(32)   NOT NULL,
    name           TEXT,
    role           VARCHAR(16)   NOT NULL,
    teams          TEXT[]        NOT NULL DEFAULT '{}',
    budget_cap     NUMERIC(28,9),
    created_at     TIMESTAMPTZ   NOT NULL,
    created_by     TEXT,
    updated_at     TIMESTAMPTZ   NOT NULL,
    revoked_at     TIMESTAMPTZ,
    revoked_by     TEXT
);

-- Every version of the price book, complete.
CREATE TABLE price_versions (
    version        INTEGER       PRIMARY KEY,
    effective_from TIMESTAMPTZ   NOT NULL,
    prices         JSONB         NOT NULL,
    changed        TEXT[]        NOT NULL,
    source         VARCHAR(32)   NOT NULL,
    actor          TEXT,
    reason         TEXT,
    published_at   TIMESTAMPTZ   NOT NULL
);

-- Every administrative change, who made it, when and why. Written only by the audit projection.
CREATE TABLE audit_log (
    id          BIGSERIAL     PRIMARY KEY,
    event_id    VARCHAR(255)  NOT NULL UNIQUE,
    at          TIMESTAMPTZ   NOT NULL,
    actor       TEXT          NOT NULL,
    action      VARCHAR(64)   NOT NULL,
    entity_type VARCHAR(32)   NOT NULL,
    entity_id   TEXT          NOT NULL,
    team_id     VARCHAR(100),
    reason      TEXT,
    details     JSONB         NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor, at DESC);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, at DESC);
CREATE INDEX audit_log_team ON audit_log (team_id, at DESC);
