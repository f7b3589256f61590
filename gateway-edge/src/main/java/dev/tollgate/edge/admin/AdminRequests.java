package dev.tollgate.edge.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.api.InvalidValue;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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
                throw new InvalidValue("Give either a 'limit' or 'unlimited': true, not both.");
            }
            return new Budget(null, period == null ? BudgetPeriod.NONE : BudgetPeriod.fromWireName(period));
        }
        if (limit == null) {
            throw new InvalidValue("A budget needs a 'limit' (a decimal string such as \"100.00\"), "
                    + "or 'unlimited': true.");
        }
        if (period == null) {
            throw new InvalidValue("A budget needs a 'period': daily, weekly, monthly or none.");
        }
        return new Budget(Money.parseAmount(limit), BudgetPeriod.fromWireName(period));
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
            @Schema(example = "Alice Example", description = "Personal data: stored encrypted, erasable")
            String name,
            @Schema(description = "Own budget; the team's member budget applies when absent") BudgetBody budget,
            @Schema(description = "Labels such as course:cs101, by which cohort boosts select users") List<String> tags,
            @Schema(example = "alice@uni.example", description = "Personal data: stored encrypted, erasable")
            String email) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SetUserTagsBody(
            @Schema(example = "[\"course:cs101\", \"year:2\"]") List<String> tags,
            String reason) {
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
            @Schema(description = "ISO instant; never expires when absent") Instant expiresAt,
            @Schema(description = "At most this many requests in any 60 seconds", example = "60") Long requestsPerMinute,
            @Schema(description = "At most this many tokens in any 60 seconds", example = "100000") Long tokensPerMinute,
            @Schema(description = "A budget of the key's own, checked besides the user's and the team's")
            BudgetBody budget,
            @Schema(description = "Free-form labels for people") Map<String, String> metadata,
            @Schema(description = "Tags added to every request of the key", example = "{\"course\": \"cs101\"}")
            Map<String, String> defaultTags) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KeyBudgetBody(
            @Schema(example = "5.00") String limit,
            @Schema(example = "daily") String period,
            @Schema(description = "true instead of a limit: no limit") Boolean unlimited,
            @Schema(description = "true: the key no longer has a budget of its own") Boolean remove,
            String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ReasonBody(String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GrantBoostBody(
            @Schema(description = "Generated when absent") String id,
            @Schema(description = "team:<id>, user:<id>, users (with user_ids) or tag:<tag>", example = "tag:course:cs101",
                    requiredMode = Schema.RequiredMode.REQUIRED) String target,
            @Schema(description = "With target users: the cohort's users") List<String> userIds,
            @Schema(example = "5.00", requiredMode = Schema.RequiredMode.REQUIRED) String amount,
            @Schema(description = "ISO instant; now when absent") Instant startsAt,
            @Schema(description = "ISO instant", requiredMode = Schema.RequiredMode.REQUIRED) Instant endsAt,
            @Schema(example = "Project weeks", requiredMode = Schema.RequiredMode.REQUIRED) String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record IssueCredentialBody(
            @Schema(example = "CS department office") String name,
            @Schema(allowableValues = {"admin", "manager", "finance"}, requiredMode = Schema.RequiredMode.REQUIRED)
            String role,
            @Schema(description = "A manager's teams") List<String> teams,
            @Schema(description = "The largest budget limit or boost a manager may set", example = "500")
            String budgetCap,
            String reason) {
    }

    /** Prices per million tokens and amounts, in the one grammar of amounts (DecimalText): strings or JSON numbers. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PriceBody(
            @Schema(example = "0.15") String input,
            @Schema(example = "0.075") String cachedInput,
            @Schema(example = "0.60") String output,
            @Schema(description = "Reasoning tokens; the output price when absent") String reasoning,
            @Schema(description = "An amount per image in a prompt") String perImage,
            @Schema(description = "A fixed amount per request") String perRequest,
            @Schema(description = "true: the model costs nothing (and has no prices)") Boolean free,
            @Schema(description = "Generated images by size/quality or size; others cost per_image",
                    example = "{\"1024x1024/standard\": \"0.04\", \"1024x1792/hd\": \"0.12\"}")
            Map<String, String> imagePrices) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PublishPricesBody(
            @Schema(description = "ISO instant; now when absent. In the past: a correction from then on")
            Instant effectiveFrom,
            @Schema(description = "Model name → prices per million tokens") Map<String, PriceBody> prices,
            @Schema(description = "true: models not given are removed from the price book") Boolean replace,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String reason) {
    }
}
