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

    // ------------------------------------------------------------------ the other OpenAI routes (GovernedCall)

    @Test
    void aTextCompletionIsATextCompletionSpanWithItsUsageCostAndFinishReason() {
        String team = newTeam(null, null, "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());

        Http.Response answer = http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", "Say hi",
                "max_tokens", 300, "temperature", 0.5));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);

        ReceivedSpan exported = exportedSpan(answer.header("x-request-id"));
        assertThat(exported.span().getName()).isEqualTo("text_completion gpt-test");
        assertThat(exported.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(exported.string("gen_ai.operation.name")).isEqualTo("text_completion");
        assertThat(exported.string("gen_ai.provider.name")).isEqualTo("openai");
        assertThat(exported.string("gen_ai.request.model")).isEqualTo("gpt-test");
        assertThat(exported.integer("gen_ai.request.max_tokens")).isEqualTo(300);
        assertThat(exported.attribute("gen_ai.request.temperature").orElseThrow().getDoubleValue()).isEqualTo(0.5);
        assertThat(exported.string("gen_ai.response.id")).isEqualTo("cmpl-fake");
        assertThat(exported.string("gen_ai.response.model")).isEqualTo("up-normal");
        assertThat(exported.attribute("gen_ai.response.finish_reasons").orElseThrow().getArrayValue().getValuesList())
                .extracting(AnyValue::getStringValue).containsExactly("length");
        assertThat(exported.integer("gen_ai.usage.input_tokens")).isEqualTo(12);
        assertThat(exported.integer("gen_ai.usage.output_tokens")).isEqualTo(300);
        assertThat(new BigDecimal(exported.string("tollgate.cost"))).isEqualByComparingTo(answer.header("x-tollgate-cost"));
        assertThat(exported.string("tollgate.outcome")).isEqualTo("settled");
        assertThat(exported.string("tollgate.route")).isEqualTo("/v1/completions");
        assertThat(exported.string("tollgate.user_id")).isEqualTo(user);
        assertThat(exported.string("tollgate.deployment")).isEqualTo("fake-normal");
        assertThat(exported.string("tollgate.reserved")).isNotBlank();
    }

    @Test
    void aStreamedResponseIsAChatSpanWithItsTimeToFirstTokenResponseIdAndUsage() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());

        Http.Response streamed = http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "Hello",
                "max_output_tokens", 40, "stream", true));
        assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);

        ReceivedSpan exported = exportedSpan(streamed.header("x-request-id"));
        assertThat(exported.span().getName()).isEqualTo("chat gpt-test");
        assertThat(exported.string("gen_ai.operation.name")).isEqualTo("chat");
        assertThat(exported.string("tollgate.route")).isEqualTo("/v1/responses");
        assertThat(exported.integer("gen_ai.request.max_tokens")).isEqualTo(40);
        assertThat(exported.attribute("tollgate.stream").orElseThrow().getBoolValue()).isTrue();
        assertThat(exported.integer("tollgate.time_to_first_token_ms")).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(exported.span().getEventsList()).extracting(Span.Event::getName).contains("gen_ai.first_chunk");
        assertThat(exported.string("gen_ai.response.id")).as("read inside response.created").isEqualTo("resp_fake");
        assertThat(exported.integer("gen_ai.usage.input_tokens")).isEqualTo(12);
        assertThat(exported.integer("gen_ai.usage.output_tokens")).isEqualTo(40);
        assertThat(exported.string("tollgate.cost")).isNotBlank();
        assertThat(exported.string("tollgate.outcome")).isEqualTo("settled");
    }

    @Test
    void embeddingsAndImagesAreSpansOfTheirOwnOperationsAndAFailureIsReleased() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());

        Http.Response embedded = http().post("/v1/embeddings", key, Map.of("model", "embed-test", "input", "x"));
        assertThat(embedded.status()).as(embedded.body()).isEqualTo(200);
        ReceivedSpan embedding = exportedSpan(embedded.header("x-request-id"));
        assertThat(embedding.span().getName()).isEqualTo("embeddings embed-test");
        assertThat(embedding.string("gen_ai.operation.name")).isEqualTo("embeddings");
        assertThat(embedding.string("gen_ai.request.model")).isEqualTo("embed-test");
        assertThat(embedding.string("gen_ai.response.model")).isEqualTo("up-normal");
        assertThat(embedding.integer("gen_ai.usage.input_tokens")).isEqualTo(12);
        assertThat(embedding.integer("gen_ai.usage.output_tokens")).isEqualTo(0);
        assertThat(new BigDecimal(embedding.string("tollgate.cost")))
                .isEqualByComparingTo(embedded.header("x-tollgate-cost"));
        assertThat(embedding.string("tollgate.outcome")).isEqualTo("settled");

        Http.Response images = http().post("/v1/images/generations", key, Map.of("model", "image-test",
                "prompt", "a cat", "n", 2));
        assertThat(images.status()).as(images.body()).isEqualTo(200);
        ReceivedSpan image = exportedSpan(images.header("x-request-id"));
        assertThat(image.span().getName()).isEqualTo("generate_content image-test");
        assertThat(image.string("gen_ai.operation.name")).isEqualTo("generate_content");
        assertThat(image.string("tollgate.route")).isEqualTo("/v1/images/generations");
        assertThat(image.integer("gen_ai.request.choice.count")).isEqualTo(2);
        assertThat(image.integer("tollgate.usage.images")).isEqualTo(2);
        assertThat(new BigDecimal(image.string("tollgate.cost"))).isEqualByComparingTo("0.08");
        assertThat(image.string("tollgate.outcome")).isEqualTo("settled");

        Http.Response broken = http().post("/v1/embeddings", key, Map.of("model", "embed-broken", "input", "x"));
        assertThat(broken.status()).isEqualTo(502);
        ReceivedSpan released = exportedSpan(broken.header("x-request-id"));
        assertThat(released.span().getName()).isEqualTo("embeddings embed-broken");
        assertThat(released.string("tollgate.outcome")).isEqualTo("released");
        assertThat(released.string("error.type")).isEqualTo("upstream_http_500");
        assertThat(released.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

        Http.Response unknown = http().post("/v1/images/generations", key, Map.of("model", "nope", "prompt", "x"));
        assertThat(unknown.status()).isEqualTo(404);
        ReceivedSpan rejected = exportedSpan(unknown.header("x-request-id"));
        assertThat(rejected.span().getName()).as("refused before its model was known").isEqualTo("generate_content");
        assertThat(rejected.string("tollgate.outcome")).isEqualTo("rejected");
        assertThat(rejected.string("error.type")).isEqualTo("model_not_found");
    }
}
