package dev.tollgate.edge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.wire.TokenCounter;
import dev.tollgate.edge.wire.UsageReader;
import dev.tollgate.edge.wire.UsageSplice;
import dev.tollgate.api.money.Money;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Not a test (no surefire pattern matches it; run it with -Dtest=HttpPathPiecesBenchmark): CPU and bytes allocated
 * per call of the pieces of the HTTP path that this round changed, on the bench body and the mock upstream's answer.
 */
class HttpPathPiecesBenchmark {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void probe() throws Exception {
        byte[] request = Files.readAllBytes(Path.of("../bench/chat.json"));
        JsonNode body = JSON.readTree(request);
        String answerText = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + "This is a benchmark answer. ".repeat(7).trim() + "\"},\"finish_reason\":\"stop\"}],\"usage\":"
                + "{\"prompt_tokens\":180,\"completion_tokens\":50,\"total_tokens\":230,\"prompt_tokens_details\":"
                + "{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}";
        byte[] answer = answerText.getBytes();
        TokenCounter tokens = new TokenCounter();
        Money cost = Money.of("0.000057");
        UsageSplice.Shape shape = new UsageSplice.Shape("choices", false);
        long sink = 0;
        sink += measure("prompt counted (jtokkit)", () -> tokens.prompt(body));
        sink += measure("prompt bound (UTF-8 bytes)", () -> tokens.promptBound(body));
        sink += measure("request body parsed to a tree", () -> {
            try {
                return (long) JSON.readTree(request).size();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sink += measure("answer: tree, usage, cost put, written", () -> {
            try {
                ObjectNode tree = (ObjectNode) JSON.readTree(answer);
                UsageReader.read(tree.get("usage"));
                ((ObjectNode) tree.get("usage")).put("cost", cost.toBigDecimal().stripTrailingZeros());
                return (long) JSON.writeValueAsBytes(tree).length;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sink += measure("answer: streaming read, cost spliced", () -> {
            try {
                UsageSplice.Found found = UsageSplice.find(JSON.getFactory(), answer, shape);
                return (long) UsageSplice.withCost(answer, found,
                        JSON.writeValueAsString(cost.toBigDecimal().stripTrailingZeros())).length;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(sink).isPositive();
    }

    private static long measure(String name, Supplier<Long> work) {
        return PieceMeter.measure(name, 50_000, work);
    }
}
