package dev.tollgate.edge.ledger;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Handlers are idempotent and deterministic: resetting every processor and replaying gives the same tables. */
class ReplayTest extends GatewayTestSupport {

    static final List<String> TABLES = List.of(
            "select * from teams order by team_id",
            "select * from users order by user_id",
            "select * from api_keys order by key_id",
            "select * from message_costs order by request_id",
            "select * from budget_status order by account_type, account_id",
            "select * from boosts order by boost_id, team_id, user_id",
            "select * from cohort_boosts order by boost_id",
            "select * from cohort_boost_skips order by boost_id, team_id, user_id",
            "select * from admin_credentials order by credential_id",
            "select * from price_versions order by version",
            "select * from spend_daily_team order by day, team_id, model, provider",
            "select * from spend_daily_user order by day, team_id, user_id, model, provider",
            "select * from spend_daily_tag order by day, team_id, tag_key, tag_value, model, provider",
            "select * from recalculations order by recalculation_id",
            "select event_id, at, actor, action, entity_type, entity_id, team_id, reason, details from audit_log "
                    + "order by event_id");

    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void aFullReplayOfEveryProjectionRebuildsTheSameTables() {
        String team = newTeam("1", "0.002", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());
        for (String model : List.of("gpt-test", "gpt-broken", "gpt-test", "gpt-test", "mock-model")) {
            http().post("/v1/chat/completions", key, Map.of("model", model, "max_tokens", 500,
                    "messages", List.of(Map.of("role", "user", "content", "replay me"))));
        }
        http().put("/admin/users/" + user + "/budget", MASTER_KEY, Map.of("limit", "3", "period", "weekly",
                "reason", "replay"));
        // a member who spends in a team, moves away, spends there, and comes back: the replay meets both moves
        String other = newTeam("1", "0.002", "clamp");
        String mover = newUser(team, null);
        for (String to : List.of(other, team)) {
            assertThat(http().post("/v1/chat/completions", newUserKey(mover, List.of()), Map.of("model", "gpt-test",
                    "max_tokens", 50, "messages", List.of(Map.of("role", "user", "content", "replay me"))))
                    .status()).isEqualTo(200);
            Http.Response moved = http().post("/admin/users/" + mover + "/move", MASTER_KEY, Map.of("to_team", to,
                    "reason", "replay"));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            await().until(() -> to.equals(http().get("/admin/users/" + mover, MASTER_KEY).json().path("team_id")
                    .asText()));
        }
        await().until(() -> team.equals(dsl.fetchValue("select team_id from budget_status where account_type = "
                + "'user' and account_id = ?", mover)));
        // this test's requests all settled (another test's reservation still open is in both snapshots alike)
        await().until(() -> dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.TEAM_ID.in(team, other)
                .and(MESSAGE_COSTS.OUTCOME.eq("reserved"))) == 0
                && dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.TEAM_ID.eq(team)) == 6);
        // and what followed them (a move closing in the team left, the keys it revoked) is in every table
        await().atMost(Duration.ofSeconds(30)).during(Duration.ofMillis(500)).until(this::everyProcessorAtTheHead);
        List<String> before = snapshot();

        for (String name : List.of("message-costs", "budget-status", "directory", "audit", "spend-rollups")) {
            StreamingEventProcessor processor = processing.eventProcessor(name, StreamingEventProcessor.class)
                    .orElseThrow();
            processor.shutDown();
            processor.resetTokens();
            processor.start();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(snapshot()).isEqualTo(before));
        assertThat(before.get(3)).contains(team);
        JsonNode reconciliation = http().get("/reports/reconciliation?from=2000-01-01", MASTER_KEY).json();
        assertThat(reconciliation.path("differences").size()).as(reconciliation.toString()).isZero();
        assertThat(reconciliation.path("matches").asBoolean()).as("the ledger and the read model agree exactly")
                .isTrue();
        assertThat(reconciliation.path("overall").path("requests").asLong()).isPositive();
    }

    /** Every running streaming processor has handled every stored event. */
    private boolean everyProcessorAtTheHead() {
        long head = ((Number) dsl.fetchValue("select coalesce(max(globalindex), -1) from domainevententry"))
                .longValue();
        for (EventProcessor processor : processing.eventProcessors().values()) {
            if (processor instanceof StreamingEventProcessor streaming && streaming.isRunning()) {
                for (EventTrackerStatus status : streaming.processingStatus().values()) {
                    if (status.getCurrentPosition().orElse(-1) < head) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private List<String> snapshot() {
        return TABLES.stream().map(sql -> dsl.fetch(sql).formatCSV()).toList();
    }
}
