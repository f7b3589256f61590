-- Sign-in with an OpenID Connect provider (docs/sso.md) and the students' portal.

-- A sign-in in flight: from the redirect to the identity provider until its answer comes back (or it expires).
-- The state is also in a cookie of the browser that started it; the PKCE verifier and the nonce never leave here.
CREATE TABLE sso_logins (
    state          VARCHAR(64)  PRIMARY KEY,
    nonce          VARCHAR(64)  NOT NULL,
    code_verifier  VARCHAR(128) NOT NULL,
    target         VARCHAR(16)  NOT NULL,
    created_at     TIMESTAMPTZ  NOT NULL,
    expires_at     TIMESTAMPTZ  NOT NULL
);

-- Server-side sessions: the browser holds a random secret in an HttpOnly cookie, this table its SHA-256 and the
-- principal resolved from the ID token's claims at sign-in (a role decision never waits for a projection). Signing
-- out deletes the row: the session ends at once on every node. No name or email is kept here.
CREATE TABLE sso_sessions (
    session_hash   CHAR(64)     PRIMARY KEY,
    csrf_token     VARCHAR(64)  NOT NULL,
    issuer         VARCHAR(500) NOT NULL,
    subject        VARCHAR(255) NOT NULL,
    user_id        VARCHAR(200) NOT NULL,
    role           VARCHAR(16),
    teams          TEXT[]       NOT NULL DEFAULT '{}',
    team_id        VARCHAR(100),
    created_at     TIMESTAMPTZ  NOT NULL,
    expires_at     TIMESTAMPTZ  NOT NULL
);
CREATE INDEX sso_sessions_user ON sso_sessions (user_id);
CREATE INDEX sso_sessions_expiry ON sso_sessions (expires_at);

-- A team's policy for the keys its members make themselves in the portal (KeyPolicySet). Written by the
-- subscribing "access" group, in the transaction of the event: the portal never issues a key against a stale policy.
CREATE TABLE key_policies (
    team_id              VARCHAR(100) PRIMARY KEY,
    max_keys             INTEGER      NOT NULL,
    max_expiry_days      INTEGER,
    allowed_models       TEXT[]       NOT NULL DEFAULT '{}',
    requests_per_minute  BIGINT,
    tokens_per_minute    BIGINT,
    set_by               VARCHAR(200) NOT NULL,
    set_at               TIMESTAMPTZ  NOT NULL,
    reason               TEXT
);
