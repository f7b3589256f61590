package dev.tollgate.query.directory;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.query.budget.BudgetView;

import java.time.Instant;

@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TeamView(String id, String name, BudgetSetting budget, BudgetSetting memberBudget,
                       String overBudgetPolicy, int members, BudgetView live, Instant createdAt, Instant updatedAt) {
}
