package dev.tollgate.query.directory;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.query.budget.BudgetView;

import java.time.Instant;
import java.util.List;

/**
 * @param budget    the user's own budget, {@code null} when the team's member budget applies
 * @param removedAt when the user was removed from the team; {@code null} for a member
 * @param email     personal data, like {@code name} and {@code externalId}: {@code null} once erased
 * @param erasedAt  when the person's personal data was erased ({@code externalId} is then their id)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UserView(String id, String teamId, String externalId, String name, BudgetSetting budget,
                       List<String> tags, boolean autoRegistered, BudgetView live, Instant createdAt,
                       Instant updatedAt, Instant removedAt, String email, Instant erasedAt) {
}
