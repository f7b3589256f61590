package dev.tollgate.api.key;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Issues a member's key through their team. The team decides at that moment (never from a read model that can lag)
 * whether the person is a live member who may hold one, records the key as theirs ({@code MemberKeyIssued}) and
 * creates the key ({@code KeyIssued}) in the same unit of work: one decision, one commit.
 *
 * @param teamId the member's team; must be {@code key.teamId()}
 * @param key    the key, whose {@code userId} names the member
 */
public record IssueMemberKey(@TargetAggregateIdentifier String teamId, IssueKey key) {
}
