-- One limit per kind of id (dev.tollgate.api.Limits): every id an admin chooses or the gateway generates has at
-- most 100 characters, and every column holding one is that wide. Keys, boosts, cohorts, credentials and
-- recalculations had 64-character columns while the edge accepted 100: one longer id stalled the projection
-- that could not store it. Widening a VARCHAR rewrites nothing in PostgreSQL.
ALTER TABLE api_keys               ALTER COLUMN key_id           TYPE VARCHAR(100);
ALTER TABLE message_costs          ALTER COLUMN key_id           TYPE VARCHAR(100);
ALTER TABLE boosts                 ALTER COLUMN boost_id         TYPE VARCHAR(100);
ALTER TABLE boosts                 ALTER COLUMN cohort_id        TYPE VARCHAR(100);
ALTER TABLE cohort_boosts          ALTER COLUMN boost_id         TYPE VARCHAR(100);
ALTER TABLE admin_credentials      ALTER COLUMN credential_id    TYPE VARCHAR(100);
ALTER TABLE recalculations         ALTER COLUMN recalculation_id TYPE VARCHAR(100);
ALTER TABLE recalculation_progress ALTER COLUMN recalculation_id TYPE VARCHAR(100);
ALTER TABLE recalculation_lines    ALTER COLUMN recalculation_id TYPE VARCHAR(100);
ALTER TABLE recalculation_lines    ALTER COLUMN key_id           TYPE VARCHAR(100);
