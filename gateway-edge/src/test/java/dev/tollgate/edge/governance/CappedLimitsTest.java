package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A manager's budget cap bounds the limit an account is left with, its boosts included, whatever the order: a limit
 * raised after a boost is refused as a boost granted after the limit is.
 */
class CappedLimitsTest extends GatewayTestSupport {

    @Test
    void aCappedManagerMayNotRaiseALimitPastTheirCapUnderABoostTheyGrantedFirst() {
        String team = newTeam("100", "5", "reject");
        String user = newUser(team, "5");
        Credential manager = newCredential("manager", List.of(team), "12");

        Http.Response boost = http().post("/admin/boosts", manager.secret(), Map.of("target", "user:" + user,
                "amount", "7", "ends_at", Instant.now().plusSeconds(86_400).toString(), "reason", "b"));
        assertThat(boost.status()).as("5 + 7 is the cap itself: " + boost.body()).isEqualTo(201);

        // the new limit alone is within the cap; with the boost of 7 not yet ended, 19 is not
        Http.Response raised = http().put("/admin/users/" + user + "/budget", manager.secret(),
                Map.of("limit", "12", "period", "monthly", "reason", "x"));
        assertThat(raised.status()).as(raised.body()).isEqualTo(403);
        JsonNode error = raised.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("permission_denied");
        assertThat(error.path("message").asText()).isEqualTo("Your budget cap is 12: user '" + user + "''s limit, "
                + "12, with its boosts not yet ended, 7, would come to 19, above it.");

        JsonNode budget = budgetOf("users", user);
        assertThat(budget.path("limit").asText()).as("unchanged").isEqualTo("5");
        assertThat(budget.path("boosts").asText()).isEqualTo("7");
        assertThat(budget.path("effective_limit").asText()).isEqualTo("12");
    }
}
