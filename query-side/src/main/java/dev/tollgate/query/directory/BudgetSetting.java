package dev.tollgate.query.directory;

/** A configured budget: {@code limit} is {@code null} when unlimited. */
public record BudgetSetting(String limit, String period) {
}
