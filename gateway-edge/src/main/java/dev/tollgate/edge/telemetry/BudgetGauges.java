package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.config.TollgateProperties;
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
 * minus spent and reserved), and {@code tollgate.budget.limit{team}}, its effective limit (for "near its limit"), read from the read model's {@code budget_status} every
 * {@code tollgate.telemetry.metrics.budget-refresh} on the scheduler's thread. Unlimited budgets have no gauge;
 * at most {@code tollgate.telemetry.metrics.max-teams} teams get one, those with the least left first.
 */
@Component
public class BudgetGauges {

    private static final Logger log = LoggerFactory.getLogger(BudgetGauges.class);

    /** {@code tollgate.telemetry.metrics.budget-refresh}, read from the configuration tree. */
    private static final String REFRESH = "#{@'" + TollgateProperties.BEAN
            + "'.telemetry().metrics().budgetRefresh()}";

    private final BudgetQueries budgets;
    private final TollgateProperties.Telemetry.Metrics metrics;
    private final MultiGauge remaining;
    private final MultiGauge limit;

    public BudgetGauges(BudgetQueries budgets, TollgateProperties properties, MeterRegistry meters) {
        this.budgets = budgets;
        this.metrics = properties.telemetry().metrics();
        this.remaining = MultiGauge.builder("tollgate.budget.remaining")
                .description("What a team's budget has left this period, in the ledger currency (read model)")
                .register(meters);
        this.limit = MultiGauge.builder("tollgate.budget.limit")
                .description("A team's effective limit this period (limit plus active boosts), in the ledger currency")
                .register(meters);
    }

    @Scheduled(initialDelayString = REFRESH, fixedDelayString = REFRESH)
    public void refresh() {
        try {
            List<BudgetView> teams = budgets.teamsLeastRemaining(metrics.maxTeams());
            remaining.register(teams.stream()
                    .map(team -> MultiGauge.Row.of(Tags.of("team", team.teamId()),
                            new BigDecimal(team.remaining()).doubleValue()))
                    .toList(), true);
            limit.register(teams.stream().filter(team -> team.effectiveLimit() != null)
                    .map(team -> MultiGauge.Row.of(Tags.of("team", team.teamId()),
                            new BigDecimal(team.effectiveLimit()).doubleValue()))
                    .toList(), true);
        } catch (RuntimeException e) {
            log.warn("The remaining-budget gauges could not be refreshed: {}", e.getMessage());
        }
    }
}
