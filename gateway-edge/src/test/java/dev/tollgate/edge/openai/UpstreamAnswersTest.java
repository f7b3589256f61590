package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers with a success status that Tollgate cannot pass on, through the running gateway against the real loopback
 * upstream ({@code up-given}, told what to answer by {@link dev.tollgate.edge.support.FakeUpstream#giveRaw}): each
 * ends in exactly one outcome, an OpenAI-shaped error, and a charge that never undercounts what the upstream may
 * bill.
 */
class UpstreamAnswersTest extends GatewayTestSupport {

    /** More than {@code UpstreamHttp.MAX_ANSWER_BYTES} (32 MiB). */
    private static final int OVER_THE_ANSWER_CAP = 33 * 1024 * 1024;

    private String key() {
        return newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
    }

    private Http.Response ask(String model, String marker, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("model", model, "max_tokens", 100,
                "messages", List.of(Map.of("role", "user", "content", marker))));
        body.putAll(extra);
        return http().post("/v1/chat/completions", key(), body);
    }

    /** The request was settled at its reservation, the cost the client was told, in its header and its message. */
    private static void chargedItsReservation(Http.Response answer, JsonNode row) {
        String cost = answer.header("x-tollgate-cost");
        assertThat(cost).as("x-tollgate-cost").isNotNull();
        assertThat(new BigDecimal(cost)).isPositive();
        assertThat(answer.json().path("error").path("message").asText()).contains(cost);
        assertThat(row.path("outcome").asText()).as(row.toString()).isEqualTo("settled");
        assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo(cost)
                .isEqualByComparingTo(new BigDecimal(row.path("reserved").asText()));
    }

    @Test
    void aWholeAnswerOverTheSizeLimitIsNotSentAgainAndIsChargedItsReservationWithAClear502() {
        String marker = unique("huge");
        byte[] huge = new byte[OVER_THE_ANSWER_CAP];
        Arrays.fill(huge, (byte) ' ');
        upstream().giveRaw(marker, 200, "application/json", huge);

        Http.Response answer = ask("gpt-given-retried", marker, Map.of());

        // the upstream generated (and bills) that answer: sent again, it would be generated and billed again
        assertThat(answer.status()).as(answer.body()).isEqualTo(502);
        assertThat(answer.json().path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("upstream_answer_too_large");
        chargedItsReservation(answer, messageCost(answer.header("x-request-id")));
        assertThat(upstream().requestsFor(marker)).isEqualTo(1);
    }

    // ------------------------------------------------------------------ event streams

    private static String chunk(String delta) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up-given\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}";
    }

    private static final String USAGE = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"up-given\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,"
            + "\"total_tokens\":19}}";

    /** A stream of two text chunks and the upstream's usage (7 completion tokens), each event ended by {@code blank}. */
    private static byte[] events(String blank, boolean lastEnded) {
        String text = "data: " + chunk("{\"content\":\"Hello\"}") + blank
                + "data: " + chunk("{\"content\":\" world\"}") + blank + "data: " + USAGE + (lastEnded ? blank : "");
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private Http.Response stream(String marker) {
        return ask("gpt-given", marker, Map.of("stream", true, "stream_options", Map.of("include_usage", true)));
    }

    @Test
    void eventsEndedByAnyBlankLineTheSseSpecificationAllowsAreRelayedAndSettledWithTheUpstreamsUsage() {
        for (String blank : List.of("\n\n", "\r\r", "\r\n\r\n", "\n\r\n", "\r\n\n", "\r\n\r")) {
            String marker = unique("blank");
            upstream().giveRaw(marker, 200, "text/event-stream", events(blank, true));

            Http.Response response = stream(marker);

            String shown = blank.replace("\r", "CR").replace("\n", "LF");
            assertThat(response.status()).as(shown).isEqualTo(200);
            assertThat(response.body()).as(shown).contains("Hello").contains(" world").contains("\"cost\"")
                    .endsWith("data: [DONE]\n\n");
            JsonNode row = messageCost(response.header("x-request-id"));
            assertThat(row.path("outcome").asText()).as(shown).isEqualTo("settled");
            assertThat(row.path("usage").path("completion_tokens").asLong()).as(shown + ": " + row).isEqualTo(7);
        }
    }

    @Test
    void aLastEventWithoutItsBlankLineIsStillReadAndRelayed() {
        String marker = unique("unended");
        upstream().giveRaw(marker, 200, "text/event-stream", events("\n\n", false));

        Http.Response response = stream(marker);

        assertThat(response.status()).isEqualTo(200);
        // the usage event passed on with its cost, whole, before Tollgate's own [DONE]
        assertThat(response.body()).contains("\"completion_tokens\":7").contains("\"cost\"")
                .endsWith("\n\ndata: [DONE]\n\n");
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("usage").path("completion_tokens").asLong()).as(row.toString()).isEqualTo(7);
    }

    @Test
    void anEventThatNeverEndsIsCutAtTheCapAndChargedItsReservation() {
        String marker = unique("endless");
        byte[] endless = new byte[17 * 1024 * 1024]; // more than SseSplitter.MAX_EVENT_BYTES, and no blank line
        Arrays.fill(endless, (byte) 'x');
        System.arraycopy("data: ".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, endless, 0, 6);
        upstream().giveRaw(marker, 200, "text/event-stream", endless);

        Http.Response response = stream(marker);

        assertThat(response.status()).as(response.body()).isEqualTo(502);
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("upstream_answer_too_large");
        chargedItsReservation(response, messageCost(response.header("x-request-id")));
    }

    @Test
    void jsonOnAStreamRequestIsTheUpstreamsErrorOrAnAnswerChargedItsReservationNeverAnEmptyStream() {
        String refused = unique("json-error");
        upstream().giveRaw(refused, 200, "application/json; charset=utf-8", ("{\"error\":{\"message\":\"overloaded\","
                + "\"type\":\"server_error\",\"code\":null}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));

        Http.Response error = stream(refused);

        assertThat(error.status()).as(error.body()).isEqualTo(502);
        assertThat(error.json().path("error").path("code").asText()).isEqualTo("upstream_error");
        assertThat(error.header("x-tollgate-cost")).isNull();
        JsonNode released = messageCost(error.header("x-request-id"));
        assertThat(released.path("outcome").asText()).as(released.toString()).isEqualTo("released");

        String whole = unique("json-answer");
        upstream().giveRaw(whole, 200, "application/json", ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":90,\"total_tokens\":102}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        Http.Response answer = stream(whole);

        // generated and billed, but no stream: the client is told, and the request charged its worst case
        assertThat(answer.status()).as(answer.body()).isEqualTo(502);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("upstream_error");
        chargedItsReservation(answer, messageCost(answer.header("x-request-id")));
    }

    @Test
    void aSuccessWithoutABodyIsA502ThatReleasesTheReservationAndFinishesTheKeysRateLimit() {
        for (int status : List.of(200, 204)) {
            // room for one request's estimate a minute (the prompt and 100 output tokens), not for two
            String user = newUser(newTeam(null, null, "clamp"), null);
            String key = issue(Map.of("name", "tpm key", "user_id", user, "tokens_per_minute", 180))
                    .path("key").asText();
            String marker = unique("empty");
            upstream().giveRaw(marker, status, "application/json", new byte[0]);

            Http.Response answer = http().post("/v1/chat/completions", key, Map.of("model", "gpt-given",
                    "max_tokens", 100, "messages", List.of(Map.of("role", "user", "content", marker))));

            assertThat(answer.status()).as(status + ": " + answer.body()).isEqualTo(502);
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("upstream_error");
            assertThat(answer.header("x-tollgate-cost")).isNull();
            JsonNode row = messageCost(answer.header("x-request-id"));
            assertThat(row.path("outcome").asText()).as(row.toString()).isEqualTo("released");
            assertThat(row.path("reason").asText()).isEqualTo("upstream_http_" + status);
            assertThat(new BigDecimal(row.path("cost").asText())).isZero();
            // the key's token window was given back what the request did not use (all of it): a second one fits
            String next = unique("after-empty");
            upstream().giveWhole(next, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
                    + "\"model\":\"up-given\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}],\"usage\":{\"prompt_tokens\":5,"
                    + "\"completion_tokens\":1,\"total_tokens\":6}}");
            Http.Response second = http().post("/v1/chat/completions", key, Map.of("model", "gpt-given",
                    "max_tokens", 100, "messages", List.of(Map.of("role", "user", "content", next))));
            assertThat(second.status()).as(second.body()).isEqualTo(200);
        }
    }
}
