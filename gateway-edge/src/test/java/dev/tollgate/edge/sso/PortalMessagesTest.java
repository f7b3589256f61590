package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a student sees of their own messages in the portal. */
class PortalMessagesTest extends GatewayTestSupport {

    @Autowired
    DSLContext dsl;

    @Test
    void aModelFilterReachesPastTheNewestThousandMessagesOfOtherModels() {
        String team = newTeam("100", "5", "clamp");
        String user = unique("stu");
        SignedInBrowserless portal = SignedInBrowserless.signIn(baseUrl(), "portal", user,
                List.of(team + "-students"));
        String secret = portal.makeKey("laptop").path("key").asText();
        String large = chat(secret, "gpt-test", Map.of()).header("x-request-id");
        await().atMost(Duration.ofSeconds(10)).until(() -> portal.get("/portal/api/messages").json()
                .path("data").size() == 1);
        // a thousand newer messages of another model: more than one page of the portal's list
        Instant later = Instant.now().plusSeconds(1);
        dsl.batch(IntStream.range(0, 1000).mapToObj(i -> dsl.insertInto(MESSAGE_COSTS)
                .set(MESSAGE_COSTS.REQUEST_ID, unique("req"))
                .set(MESSAGE_COSTS.STARTED_AT, later.plusMillis(i))
                .set(MESSAGE_COSTS.TEAM_ID, team)
                .set(MESSAGE_COSTS.USER_ID, user)
                .set(MESSAGE_COSTS.MODEL, "gpt-cheap")
                .set(MESSAGE_COSTS.OUTCOME, "settled")
                .set(MESSAGE_COSTS.COST, new BigDecimal("0.000001"))).toList()).execute();

        JsonNode all = portal.get("/portal/api/messages").json();
        assertThat(all.path("data")).hasSize(1000);
        assertThat(all.path("has_more").asBoolean()).isTrue();
        JsonNode filtered = portal.get("/portal/api/messages?model=gpt-test").json();
        assertThat(filtered.path("data")).extracting(m -> m.path("request_id").asText()).containsExactly(large);
        assertThat(filtered.path("has_more").asBoolean()).isFalse();
    }
}
