package dev.tollgate.edge.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** The JSON bodies of the admin routes. Amounts are decimal strings; a {@code null} limit means unlimited. */
public final class AdminRequests {

    private AdminRequests() {
    }

    @Schema(description = "A budget: a limit (a decimal string) and a period; or unlimited: true")
    public record BudgetBody(
            @Schema(example = "100.00") String limit,
            @Schema(example = "monthly", allowableValues = {"daily", "weekly", "monthly", "none"}) String period,
            @Schema(description = "true instead of a limit: no limit (spend is still recorded)") Boolean unlimited) {

        /** A budget is never unlimited by omission: a missing limit is an error unless unlimited is said. */
        Budget toBudget() {
            return AdminRequests.budget(limit, period, unlimited);
        }
    }

    static Budget budget(String limit, String period, Boolean unlimited) {
        if (Boolean.TRUE.equals(unlimited)) {
            if (limit != null) {
                throw new IllegalArgumentException("Give either a 'limit' or 'unlimited': true, not both.");
            }
            return new Budget(null, period == null ? BudgetPeriod.NONE : BudgetPeriod.fromWireName(period));
        }
        if (limit == null) {
            throw new IllegalArgumentException("A budget needs a 'limit' (a decimal string such as \"100.00\"), "
                    + "or 'unlimited': true.");
        }
        if (period == null) {
            throw new IllegalArgumentException("A budget needs a 'period': daily, weekly, monthly or none.");
        }
        return new Budget(Money.of(limit), BudgetPeriod.fromWireName(period));
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateTeamBody(
            @Schema(example = "cs101", description = "Generated when absent") String id,
            @Schema(example = "CS 101: Introduction to Programming") String name,
            BudgetBody budget,
            @Schema(description = "The budget of each member without one of their own") BudgetBody memberBudget,
            @Schema(example = "clamp", allowableValues = {"clamp", "reject"}) String overBudgetPolicy,
            String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SetTeamBudgetBody(
            @Schema(example = "250.00") String limit,
            @Schema(example = "monthly") String period,
            @Schema(description = "true instead of a limit: no limit") Boolean unlimited,
            @Schema(description = "Unchanged when absent") BudgetBody memberBudget,
            @Schema(description = "Unchanged when absent", allowableValues = {"clamp", "reject"}) String overBudgetPolicy,
            @Schema(example = "Extra funding for the project weeks", requiredMode = Schema.RequiredMode.REQUIRED) String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateUserBody(
            @Schema(example = "s1234567", description = "Generated when absent") String id,
            @Schema(example = "cs101", requiredMode = Schema.RequiredMode.REQUIRED) String teamId,
            @Schema(example = "alice@uni.example", description = "The OpenAI 'user' field naming this user in "
                    + "requests made with a team key; the id when absent") String externalId,
            @Schema(example = "Alice Example") String name,
            @Schema(description = "Own budget; the team's member budget applies when absent") BudgetBody budget) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SetUserBudgetBody(
            @Schema(example = "20.00") String limit,
            @Schema(example = "monthly") String period,
            @Schema(description = "true instead of a limit: no limit") Boolean unlimited,
            @Schema(description = "true: drop the user's own budget and follow the team's member budget again")
            Boolean useTeamDefault,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "Thesis project") String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record IssueKeyBody(
            @Schema(example = "Alice's laptop") String name,
            @Schema(description = "The owner; the key is a team key when absent") String userId,
            @Schema(description = "Required for a team key; taken from the user otherwise") String teamId,
            @Schema(description = "Public model names; every model when empty") List<String> allowedModels,
            @Schema(description = "ISO instant; never expires when absent") Instant expiresAt) {
    }
}
