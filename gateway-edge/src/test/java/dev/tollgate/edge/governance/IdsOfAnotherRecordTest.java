package dev.tollgate.edge.governance;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ids are one space across records: a team, a webhook endpoint and a cohort boost each own their id's event stream.
 * A record created with an id another kind of record owns is refused as a conflict, never a server error.
 */
class IdsOfAnotherRecordTest extends GatewayTestSupport {

    @Test
    void aCohortBoostWithATeamsIdIsAConflict() {
        String team = newTeam(null, "1", "reject");
        List<String> users = List.of(newUser(team, null));
        Http.Response refused = http().post("/admin/boosts", MASTER_KEY, Map.of("id", team, "target", "users",
                "user_ids", users, "amount", "0.5", "ends_at", Instant.now().plusSeconds(3600).toString(),
                "reason", "exam week"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("conflict");
        assertThat(refused.json().path("error").path("param").asText()).isEqualTo("id");
    }
}
