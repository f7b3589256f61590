-- Personal data (docs/privacy.md). Names, emails, external ids and the metadata of a person's keys are stored in
-- events encrypted (AES-GCM) with a key of that person's own, kept here. Erasing the person destroys the key: the
-- event store stays as it was (immutable, replayable) and those fields read as NULL from then on.
CREATE TABLE personal_data_keys (
    seal_key    VARCHAR(64)  PRIMARY KEY,  -- a UUID, named in every value it sealed
    -- the person (a user id); their amounts and spend stay under it, pseudonymous
    subject_id VARCHAR(200)  NOT NULL,
    -- 32 random bytes; NULL once destroyed
    secret     BYTEA,
    created_at TIMESTAMPTZ   NOT NULL,
    erased_at  TIMESTAMPTZ
);
-- one key in use per person; a person registered again after an erasure gets a new one
CREATE UNIQUE INDEX personal_data_keys_subject ON personal_data_keys (subject_id) WHERE erased_at IS NULL;

ALTER TABLE users ADD COLUMN email TEXT;
-- when the person's personal data was erased: name, email and external id are gone from then on
ALTER TABLE users ADD COLUMN erased_at TIMESTAMPTZ;

-- Retention (tollgate.retention.message-detail-months): per-message detail before this instant was dropped into the
-- daily team rollups (amounts kept, people and tags gone). One row at most.
CREATE TABLE retention_horizon (
    id                   SMALLINT      PRIMARY KEY CHECK (id = 1),
    detail_dropped_before TIMESTAMPTZ  NOT NULL,
    updated_at           TIMESTAMPTZ   NOT NULL
);
