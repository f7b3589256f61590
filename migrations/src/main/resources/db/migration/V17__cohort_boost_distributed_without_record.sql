-- A cohort boost granted before its distribution was recorded (V14) whose distribution is now known to have happened
-- without a record (CohortBoostDistributedWithoutRecord, after a repeated grant): distributed_at is then when that
-- was recorded, and who was skipped is not known (no cohort_boost_skips rows).
ALTER TABLE cohort_boosts ADD COLUMN skipped_unrecorded BOOLEAN NOT NULL DEFAULT FALSE;
