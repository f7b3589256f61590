package dev.tollgate.edge.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.OtlpReceiver;
import dev.tollgate.edge.support.OtlpReceiver.ReceivedSpan;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared test application exports its spans over OTLP/HTTP to an in-process receiver (support.OtlpReceiver);
 * these tests make requests and read the spans the receiver decoded.
 */
class TracingTest extends GatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReceivedSpan exportedSpan(String requestId) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> OtlpReceiver.shared().spanWith("tollgate.request_id", requestId).isPresent());
        return OtlpReceiver.shared().spanWith("tollgate.request_id", requestId).orElseThrow();
    }

    @Test
    void aCompletionIsExportedAsAGenAiClientSpanWithItsModelsUsageAndCostButNoPromptText() {
        String team = newTeam("100", "10", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());
        String secretPrompt = unique("do-not-export-this-prompt");

        Http.Response answer = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test",
                "max_tokens", 300, "temperature", 0.5,
                "messages", List.of(Map.of("role", "user", "content", secretPrompt))));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);

        ReceivedSpan exported = exportedSpan(answer.header("x-request-id"));
        Span span = exported.span();
        assertThat(span.getName()).isEqualTo("chat gpt-test");
        assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(span.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(exported.string("gen_ai.operation.name")).isEqualTo("chat");
        assertThat(exported.string("gen_ai.system")).isEqualTo("openai");
        assertThat(exported.string("gen_ai.provider.name")).isEqualTo("openai");
        assertThat(exported.string("gen_ai.request.model")).isEqualTo("gpt-test");
        assertThat(exported.integer("gen_ai.request.max_tokens")).isEqualTo(300);
        assertThat(exported.attribute("gen_ai.request.temperature").orElseThrow().getDoubleValue()).isEqualTo(0.5);
        assertThat(exported.string("gen_ai.response.model")).as("the upstream's own name").isEqualTo("up-normal");
        assertThat(exported.string("gen_ai.response.id")).isEqualTo("chatcmpl-fake");
        assertThat(exported.attribute("gen_ai.response.finish_reasons").orElseThrow().getArrayValue().getValuesList())
                .extracting(AnyValue::getStringValue).containsExactly("stop");
        assertThat(exported.integer("gen_ai.usage.input_tokens")).isEqualTo(12);
        assertThat(exported.integer("gen_ai.usage.output_tokens")).isEqualTo(300);
        assertThat(exported.string("server.address")).isEqualTo("127.0.0.1");
        assertThat(new BigDecimal(exported.string("tollgate.cost")))
                .isEqualByComparingTo(answer.header("x-tollgate-cost"))
                .isEqualByComparingTo("0.000612");
        assertThat(exported.string("tollgate.outcome")).isEqualTo("settled");
        assertThat(exported.string("tollgate.team_id")).isEqualTo(team);
        assertThat(exported.string("tollgate.user_id")).isEqualTo(user);
        assertThat(exported.string("user.id")).isEqualTo(user);
        assertThat(exported.string("tollgate.deployment")).isEqualTo("fake-normal");
        assertThat(exported.resourceString("service.name")).isEqualTo("tollgate");
        assertThat(exported.requestHeaders()).containsEntry("x-test-header", "tollgate-tests");
        assertThat(exported.requestHeaders().get("content-type")).isEqualTo("application/x-protobuf");
        assertThat(span.toString()).as("no prompt text, no key").doesNotContain(secretPrompt).doesNotContain(key);
    }

    @Test
    void aStreamedCompletionsSpanCarriesItsTimeToFirstTokenFinishReasonAndTheCostTheClientWasShown()
            throws Exception {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
        Http.Response streamed = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test", "stream", true,
                "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", "Hello"))));
        assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
        JsonNode usage = null;
        for (String line : streamed.body().split("\n")) {
            if (line.startsWith("data: {") && line.contains("\"usage\"")) {
                usage = JSON.readTree(line.substring(6)).path("usage");
            }
        }
        assertThat(usage).as(streamed.body()).isNotNull();

        ReceivedSpan exported = exportedSpan(streamed.header("x-request-id"));
        assertThat(exported.span().getName()).isEqualTo("chat gpt-test");
        assertThat(exported.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(exported.attribute("tollgate.stream").orElseThrow().getBoolValue()).isTrue();
        assertThat(exported.integer("tollgate.time_to_first_token_ms")).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(exported.span().getEventsList()).extracting(Span.Event::getName).contains("gen_ai.first_chunk");
        assertThat(exported.string("gen_ai.response.id")).isEqualTo("chatcmpl-fake");
        assertThat(exported.attribute("gen_ai.response.finish_reasons").orElseThrow().getArrayValue().getValuesList())
                .extracting(AnyValue::getStringValue).containsExactly("stop");
        assertThat(exported.integer("gen_ai.usage.input_tokens")).isEqualTo(usage.path("prompt_tokens").asLong());
        assertThat(exported.integer("gen_ai.usage.output_tokens")).isEqualTo(usage.path("completion_tokens").asLong());
        assertThat(new BigDecimal(exported.string("tollgate.cost"))).isEqualByComparingTo(usage.path("cost").asText());
        assertThat(exported.string("tollgate.outcome")).isEqualTo("settled");
    }

    @Test
    void aRequestTheBudgetCannotCoverIsARejectedErrorSpan() {
        String key = newUserKey(newUser(newTeam("0.0000001", null, "reject"), null), List.of());

        Http.Response refused = chat(key, "gpt-test", Map.of());
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);

        ReceivedSpan exported = exportedSpan(refused.header("x-request-id"));
        assertThat(exported.string("tollgate.outcome")).isEqualTo("rejected");
        assertThat(exported.string("error.type")).isEqualTo("insufficient_quota");
        assertThat(exported.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(exported.attribute("gen_ai.usage.input_tokens")).isEmpty();
    }

    @Test
    void anUpstreamFailureReleasesTheReservationAndTheSpanSaysWhy() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());

        Http.Response failed = chat(key, "gpt-broken", Map.of());
        assertThat(failed.status()).isGreaterThanOrEqualTo(500);

        ReceivedSpan exported = exportedSpan(failed.header("x-request-id"));
        assertThat(exported.span().getName()).isEqualTo("chat gpt-broken");
        assertThat(exported.string("tollgate.outcome")).isEqualTo("released");
        assertThat(exported.string("error.type")).isEqualTo("upstream_http_500");
        assertThat(exported.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    }

    @Test
    void aCallersTraceparentMakesTheGatewaySpanItsChild() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentId = "00f067aa0ba902b7";

        HttpRequest request = http().request("/v1/chat/completions", key)
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-" + parentId + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        Http.Response answer = http().send(request);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);

        Span span = exportedSpan(answer.header("x-request-id")).span();
        assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray())).isEqualTo(traceId);
        assertThat(HexFormat.of().formatHex(span.getParentSpanId().toByteArray())).isEqualTo(parentId);
    }
}
