-- Which team holds each user id: the command side's check that a user id names one person in one team only
-- (docs/adr/0011). Written by the subscribing `user-ids` processor (UserIdClaims) in the transaction that appends
-- the UserRegistered or UserMovedIn event: a registration in a team that does not hold the id fails its command.
-- Not a read table: never reset, never replayed. A removal or an erasure keeps the claim (the id stays the team's);
-- a move hands it to the new team.
CREATE TABLE user_id_claims (
    user_id VARCHAR(200) PRIMARY KEY,
    team_id VARCHAR(100) NOT NULL
);

-- The claims of the events stored so far, read from the event store (the source of truth), not from the `users`
-- table: that one is a projection, and may lag, hold parked events, or be half rebuilt by a replay when this runs.
-- Each id goes to the team the directory shows for it: the new team of its last move, else the team of its first
-- registration. An id already registered in two teams (the race this table closes) is claimed by that team alone;
-- its membership in the other team stays as it was (it is not ended here), but no registration in any other team
-- can use the id. This reads every UserRegistered and UserMovedIn event once (one scan of the event table, as the
-- reconciliation does).
INSERT INTO user_id_claims (user_id, team_id)
SELECT DISTINCT ON (joined.user_id) joined.user_id, joined.team_id
FROM (SELECT convert_from(payload, 'UTF8')::jsonb ->> 'userId' AS user_id,
             aggregateidentifier                                AS team_id,
             payloadtype = 'dev.tollgate.api.move.UserMovedIn'  AS moved,
             globalindex
      FROM domainevententry
      WHERE payloadtype IN ('dev.tollgate.api.team.UserRegistered', 'dev.tollgate.api.move.UserMovedIn')) joined
WHERE joined.user_id IS NOT NULL
ORDER BY joined.user_id, joined.moved DESC, CASE WHEN joined.moved THEN -joined.globalindex ELSE joined.globalindex END;
