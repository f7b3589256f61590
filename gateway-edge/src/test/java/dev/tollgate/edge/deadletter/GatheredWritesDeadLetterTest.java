package dev.tollgate.edge.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.Map;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-request projections gather a batch's rows and write them when the batch commits, where Axon's dead-letter
 * queue cannot tell which event failed. Against the real PostgreSQL: a row the database refuses for good (a
 * constraint) parks that request's events in the dead-letter queue while {@code message-costs} goes on with every
 * other request (it used to retry the batch for ever); a transient failure (a deadlock) is retried, never parked,
 * and the row lands once the database lets it (docs/operations.md, "Events a projection cannot apply").
 */
class GatheredWritesDeadLetterTest extends GatewayTestSupport {

    static final String GROUP = "message-costs";

    @Autowired
    DeadLetters deadLetters;

    @Test
    void aRowTheDatabaseRefusesIsDeadLetteredAndTheProjectionGoesOn() {
        String team = newTeam("1000", null, "clamp");
        String key = newTeamKey(team);
        String poison = unique("poisoned");
        String constraint = "refuse_" + poison.replace('-', '_');
        dsl.execute("ALTER TABLE message_costs ADD CONSTRAINT " + constraint + " CHECK (NOT (tags ? '" + poison
                + "'))");
        String poisoned;
        try {
            Http.Response refused = chat(key, "gpt-test", Map.of("metadata", Map.of(poison, "1")));
            assertThat(refused.status()).as(refused.body()).isEqualTo(200);
            poisoned = requestId(refused);
            Http.Response fine = chat(key, "gpt-test", Map.of());
            assertThat(fine.status()).as(fine.body()).isEqualTo(200);

            // the projection goes on: the other request's row is written, settled
            assertThat(messageCost(requestId(fine)).path("outcome").asText()).isEqualTo("settled");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> deadLetters.counts().getOrDefault(GROUP, 0L) >= 2);
            assertThat(deadLetters.list()).anySatisfy(sequence -> {
                assertThat(sequence.processingGroup()).isEqualTo(GROUP);
                assertThat(sequence.events()).extracting(DeadLetters.Letter::eventType)
                        .containsExactly("SpendReserved", "SpendSettled");
                assertThat(sequence.events().get(0).causeType()).isNotBlank();
            });
            assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.REQUEST_ID.eq(poisoned))).isZero();
            assertThat(http().get("/actuator/health", null).json().path("components").path("deadLetters")
                    .path("status").asText()).as("a parked event shows in health").isEqualTo("DOWN");
            assertThat(http().get("/actuator/health/readiness", null).status())
                    .as("but leaves the node ready: requests are decided on the command side").isEqualTo(200);
        } finally {
            dsl.execute("ALTER TABLE message_costs DROP CONSTRAINT " + constraint);
        }

        Http.Response retried = http().post("/admin/dead-letters/" + GROUP + "/retry", MASTER_KEY, Map.of());
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("remaining").asLong()).isZero();
        JsonNode row = messageCost(poisoned);
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(deadLetters.counts()).doesNotContainKey(GROUP);
        await().atMost(Duration.ofSeconds(10)).until(() -> http().get("/actuator/health", null).status() == 200);
    }

    @Test
    void aTransientFailureIsRetriedNotDeadLettered() {
        String team = newTeam("1000", null, "clamp");
        String key = newTeamKey(team);
        String flaky = unique("flaky").replace('-', '_');
        // a trigger that fails the row's write as a deadlock would (SQL state 40P01) while the flag table has a row,
        // counting its attempts in a sequence (not rolled back with the failing transaction)
        dsl.execute("CREATE TABLE " + flaky + "_flag (x int)");
        dsl.execute("INSERT INTO " + flaky + "_flag VALUES (1)");
        dsl.execute("CREATE SEQUENCE " + flaky + "_attempts");
        dsl.execute("CREATE FUNCTION " + flaky + "_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.tags ? '" + flaky + "' AND EXISTS (SELECT 1 FROM " + flaky + "_flag) THEN "
                + "PERFORM nextval('" + flaky + "_attempts'); "
                + "RAISE EXCEPTION 'deadlock detected (simulated)' USING ERRCODE = '40P01'; END IF; "
                + "RETURN NEW; END $$");
        dsl.execute("CREATE TRIGGER " + flaky + "_fail BEFORE INSERT OR UPDATE ON message_costs FOR EACH ROW "
                + "EXECUTE FUNCTION " + flaky + "_fail()");
        try {
            Http.Response answer = chat(key, "gpt-test", Map.of("metadata", Map.of(flaky, "1")));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            String requestId = requestId(answer);

            // retried: the batch once, then event by event (the policy sees the deadlock and rethrows it), and again
            await().atMost(Duration.ofSeconds(30)).until(() -> attempts(flaky) >= 3);
            assertThat(deadLetters.counts()).doesNotContainKey(GROUP);
            assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.REQUEST_ID.eq(requestId))).isZero();

            dsl.execute("DELETE FROM " + flaky + "_flag"); // the database lets it through again
            assertThat(messageCost(requestId).path("outcome").asText()).isEqualTo("settled");
            assertThat(deadLetters.counts()).doesNotContainKey(GROUP);
        } finally {
            dsl.execute("DROP TRIGGER " + flaky + "_fail ON message_costs");
            dsl.execute("DROP FUNCTION " + flaky + "_fail()");
            dsl.execute("DROP SEQUENCE " + flaky + "_attempts");
            dsl.execute("DROP TABLE " + flaky + "_flag");
        }
    }

    private long attempts(String flaky) {
        return dsl.resultQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + flaky + "_attempts")
                .fetchOne(0, Long.class);
    }

    private static String requestId(Http.Response response) {
        return response.headers().firstValue("x-request-id").orElseThrow();
    }
}
