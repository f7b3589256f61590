-- When every member of a cohort boost had been offered their share (CohortBoostDistributed), and the members whose
-- team refused it, with why. A cohort boost granted before this release has no distribution recorded (NULL).
ALTER TABLE cohort_boosts ADD COLUMN distributed_at TIMESTAMPTZ;

CREATE TABLE cohort_boost_skips (
    boost_id VARCHAR(100) NOT NULL,
    user_id  VARCHAR(200) NOT NULL,
    team_id  VARCHAR(100) NOT NULL,
    reason   TEXT,
    PRIMARY KEY (boost_id, team_id, user_id)
);
