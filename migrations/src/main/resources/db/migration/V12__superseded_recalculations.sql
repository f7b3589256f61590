-- A recalculation running or ready when another is approved is superseded by it (RecalculationSuperseded): its
-- lines were computed against costs that approval changes, so it can no longer be approved.
ALTER TABLE recalculations ADD COLUMN superseded_by VARCHAR(64);
ALTER TABLE recalculations ADD COLUMN superseded_at TIMESTAMPTZ;
