package dev.tollgate.query.boost;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * The decision of a cohort boost; its members' boosts are listed with it.
 *
 * @param distributedAt     when every member had been offered their share; {@code null} until then (and for a cohort
 *                          boost granted before Tollgate recorded it, until a repeated grant has it recorded without a
 *                          record of its skipped members). Not shown: a grant's answer waits for it only when a member
 *                          was skipped, and a repeated grant answers as the first did.
 * @param skippedUnrecorded the cohort boost was distributed before distributions were recorded: who was skipped is
 *                          not known ({@code skipped} is empty; the members boosted are its rows). Not shown: {@code
 *                          member_count} beside the rows tells it, and a repeated grant answers as the first did.
 * @param skipped           the members whose team refused their share, and why
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CohortBoostView(String id, String selector, int memberCount, List<String> teams, String amount,
                              Instant startsAt, Instant endsAt, String reason, String grantedBy, Instant grantedAt,
                              Instant revokedAt, String revokedBy, String revokeReason,
                              @JsonIgnore Instant distributedAt, @JsonIgnore boolean skippedUnrecorded,
                              List<Skipped> skipped, List<BoostView> members) {

    /** A member not boosted: their team refused their share. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Skipped(String userId, String teamId, String reason) {
    }
}
