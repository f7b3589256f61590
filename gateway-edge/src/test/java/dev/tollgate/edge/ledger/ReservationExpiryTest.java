package dev.tollgate.edge.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reservation that is never settled (the gateway crashed, the connection was lost) expires by its deadline and
 * is charged at its estimate, flagged for review: the budget is never undercounted and nothing is dropped.
 */
class ReservationExpiryTest extends GatewayTestSupport {

    @Autowired
    SpendLedger ledger;

    @Autowired
    ReservationExpirySweep sweep;

    @Test
    void anAbandonedReservationIsChargedAtItsEstimateAndFlagged() throws Exception {
        String team = newTeam("10", "1", "clamp");
        String user = newUser(team, null);
        String requestId = unique("req_abandoned");
        // What the edge does before forwarding, then nothing: as if the node died mid-request.
        SpendOutcome reserved = ledger.submit(team, new ReserveSpend(requestId, user, null, "key-x", "gpt-test",
                Money.of("0.001"), TokenPrice.perMillion("2"), 1000, 16, Duration.ofSeconds(1),
                java.util.Map.of())).get();
        assertThat(reserved).isInstanceOf(SpendOutcome.Reserved.class);
        await().untilAsserted(() -> assertThat(budgetOf("users", user).path("reserved").asText()).isEqualTo("0.003"));

        Thread.sleep(1_200);
        sweep.sweep();

        JsonNode row = messageCost(requestId);
        assertThat(row.path("outcome").asText()).isEqualTo("expired");
        assertThat(row.path("flagged").asBoolean()).isTrue();
        assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo("0.003");
        await().untilAsserted(() -> {
            JsonNode budget = budgetOf("users", user);
            assertThat(budget.path("reserved").asText()).isEqualTo("0");
            assertThat(budget.path("spent").asText()).isEqualTo("0.003");
        });

        // A settlement arriving after the expiry changes nothing: a request ends exactly once.
        SpendOutcome late = ledger.submit(team, new SettleSpend(requestId, "gpt-test", new Usage(1, 1, 0, 0),
                Money.of("0.0001"), "v", "p", "d", 5)).get();
        assertThat(late).isEqualTo(new SpendOutcome.NotOpen(requestId, "expired"));
    }
}
