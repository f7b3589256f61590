package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request tags: the key's default tags, the OpenAI {@code metadata} object and the {@code x-tollgate-tags} header
 * (in that order, later ones win), stored with each message's cost and filtering {@code /spend/messages}.
 */
class TagsTest extends GatewayTestSupport {

    Http.Response chatTagged(String key, String header, Map<String, Object> extra) {
        HttpRequest.Builder request = http().request("/v1/chat/completions", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(extra)));
        if (header != null) {
            request.header("x-tollgate-tags", header);
        }
        return http().send(request.build());
    }

    static String body(Map<String, Object> extra) {
        StringBuilder body = new StringBuilder("{\"model\":\"gpt-cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]");
        extra.forEach((name, value) -> body.append(",\"").append(name).append("\":").append(value));
        return body.append('}').toString();
    }

    @Test
    void tagsFromTheKeyTheMetadataAndTheHeaderAreStoredWithTheCost() {
        String team = newTeam(null, null, "clamp");
        String key = issue(Map.of("user_id", newUser(team, null), "default_tags",
                Map.of("course", "cs101", "term", "2026-autumn"))).path("key").asText();

        Http.Response answer = chatTagged(key, "assignment=3, course=cs102",
                Map.of("metadata", "{\"lab\":\"b\",\"term\":\"2026-winter\"}"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode tags = messageCost(answer.header("x-request-id")).path("tags");
        assertThat(tags.path("course").asText()).as("the header wins over the key's default").isEqualTo("cs102");
        assertThat(tags.path("term").asText()).as("metadata wins over the key's default").isEqualTo("2026-winter");
        assertThat(tags.path("assignment").asText()).isEqualTo("3");
        assertThat(tags.path("lab").asText()).isEqualTo("b");

        Http.Response untagged = chatTagged(key, null, Map.of());
        JsonNode defaults = messageCost(untagged.header("x-request-id")).path("tags");
        assertThat(defaults.size()).isEqualTo(2);
        assertThat(defaults.path("course").asText()).isEqualTo("cs101");
        assertThat(defaults.path("term").asText()).isEqualTo("2026-autumn");
    }

    @Test
    void spendMessagesFilterByEveryTagGiven() {
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        String a3 = chatTagged(key, "course=cs101,assignment=3", Map.of()).header("x-request-id");
        String a4 = chatTagged(key, "course=cs101,assignment=4", Map.of()).header("x-request-id");
        String other = chatTagged(key, "course=ma201,assignment=3", Map.of()).header("x-request-id");
        List.of(a3, a4, other).forEach(this::messageCost);

        assertThat(requestIds("/spend/messages?team_id=" + team + "&tag=course=cs101"))
                .containsExactlyInAnyOrder(a3, a4);
        assertThat(requestIds("/spend/messages?team_id=" + team + "&tag=course=cs101&tag=assignment=3"))
                .containsExactly(a3);
        assertThat(requestIds("/spend/messages?team_id=" + team + "&tag=assignment=3"))
                .containsExactlyInAnyOrder(a3, other);
        assertThat(requestIds("/spend/messages?team_id=" + team + "&tag=course=none")).isEmpty();
        assertThat(http().get("/spend/messages?tag=course", MASTER_KEY).status()).as("a tag filter is key=value")
                .isEqualTo(400);
    }

    private List<String> requestIds(String path) {
        Http.Response page = http().get(path, MASTER_KEY);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        page.json().path("data").forEach(row -> ids.add(row.path("request_id").asText()));
        return ids;
    }

    @Test
    void badTagsAreRefusedBeforeAnythingIsReserved() {
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        Http.Response refused = chatTagged(key, "course", Map.of());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").path("message").asText()).contains("key=value");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 21; i++) {
            many.append("t").append(i).append("=x,");
        }
        assertThat(chatTagged(key, many.toString(), Map.of()).status()).isEqualTo(400);
        assertThat(budgetOf("teams", team).path("spent").asText()).isEqualTo("0");
        assertThat(requestIds("/spend/messages?team_id=" + team)).isEmpty();
    }

    @Test
    void tagsWithANulOrAnotherControlCharacterAreRefusedBeforeAnythingIsReserved() {
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        for (String metadata : List.of("{\"course\":\"a\\u0000b\"}", "{\"cour\\u0000se\":\"cs101\"}",
                "{\"course\":\"cs\\n101\"}")) {
            Http.Response refused = chatTagged(key, null, Map.of("metadata", metadata));
            assertThat(refused.status()).as(metadata).isEqualTo(400);
            assertThat(refused.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(refused.json().path("error").path("message").asText()).contains("control characters");
        }
        // nothing was recorded for them: the next tagged request is the team's only message
        Http.Response tagged = chatTagged(key, null, Map.of("metadata", "{\"course\":\"cs101\"}"));
        assertThat(tagged.status()).as(tagged.body()).isEqualTo(200);
        assertThat(messageCost(tagged.header("x-request-id")).path("tags").path("course").asText())
                .isEqualTo("cs101");
        assertThat(requestIds("/spend/messages?team_id=" + team)).containsExactly(tagged.header("x-request-id"));
    }

    @Test
    void keysWhoseDefaultTagsOrMetadataHoldAControlCharacterAreRefused() {
        String user = newUser(newTeam(null, null, "clamp"), null);
        // a NUL is refused as the admin body is read; a tag's rules refuse line breaks and tabs too
        assertThat(http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user, "default_tags",
                Map.of("course", "cs\u0000101"))).status()).isEqualTo(400);
        Http.Response tags = http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user, "default_tags",
                Map.of("course", "cs\n101")));
        assertThat(tags.status()).isEqualTo(400);
        assertThat(tags.json().path("error").path("param").asText()).isEqualTo("default_tags");
        Http.Response metadata = http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user, "metadata",
                Map.of("owner", "al\tice")));
        assertThat(metadata.status()).isEqualTo(400);
        assertThat(metadata.json().path("error").path("param").asText()).isEqualTo("metadata");
    }
}
