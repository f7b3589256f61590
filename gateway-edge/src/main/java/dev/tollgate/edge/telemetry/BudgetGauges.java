package dev.tollgate.edge.telemetry;

import dev.tollgate.query.budget.BudgetQueries;
import dev.tollgate.query.budget.BudgetView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.util.List;

/**
 * {@code tollgate.budget.remaining{team}}: what each team's budget has left this period (limit plus active boosts,
 * minus spent and reserved), read from the read model's {@code budget_status} every
 * {@code tollgate.telemetry.metrics.budget-refresh} on the scheduler's thread. Unlimited budgets have no gauge;
 * at most {@code tollgate.telemetry.metrics.max-teams} teams get one, those with the least left first.
 */
@Component
public class BudgetGauges {

    private static final Logger log = LoggerFactory.getLogger(BudgetGauges.class);

    private final BudgetQueries budgets;
    private final TelemetryProperties properties;
    private final MultiGauge remaining;

    public BudgetGauges(BudgetQueries budgets, TelemetryProperties properties, MeterRegistry meters) {
        this.budgets = budgets;
        this.properties = properties;
        this.remaining = MultiGauge.builder("tollgate.budget.remaining")
                .description("What a team's budget has left this period, in the ledger currency (read model)")
                .register(meters);
    }

    @Scheduled(initialDelayString = "${tollgate.telemetry.metrics.budget-refresh:30s}",
            fixedDelayString = "${tollgate.telemetry.metrics.budget-refresh:30s}")
    public void refresh() {
        try {
            List<BudgetView> teams = budgets.teamsLeastRemaining(properties.getMetrics().getMaxTeams());
            remaining.register(teams.stream()
                    .map(team -> MultiGauge.Row.of(Tags.of("team", team.teamId()),
                            new BigDecimal(team.remaining()).doubleValue()))
                    .toList(), true);
        } catch (RuntimeException e) {
            log.warn("The remaining-budget gauges could not be refreshed: {}", e.getMessage());
        }
    }
}
