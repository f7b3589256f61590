package dev.tollgate.api.privacy;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Erases a person's personal data (GDPR art. 17), sent to the team they belong (or last belonged) to. Their
 * amounts, spend and budgets stay exactly as they were; their name, email, external id and keys' metadata go.
 */
public record ErasePersonalData(@TargetAggregateIdentifier String teamId, String userId, String actor,
                                String reason) {
}
