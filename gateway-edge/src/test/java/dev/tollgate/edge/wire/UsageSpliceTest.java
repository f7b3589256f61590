package dev.tollgate.edge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.Usage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage read by the streaming parser and the cost spliced into the bytes give the same JSON as the tree path
 * (read the tree, {@code usage.put("cost", ...)}, write it again), and every answer it does not handle is left to
 * the tree path.
 */
class UsageSpliceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UsageSplice.Shape CHAT = new UsageSplice.Shape("choices", false);

    static final List<String> PLAIN = List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                    + "\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
                    + "\"completion_tokens\":3,\"total_tokens\":15}}",
            // usage first, details, non-ASCII and emoji, escapes
            "{\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":40,\"total_tokens\":1240,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":1024,\"audio_tokens\":0},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":7}},\"choices\":[{\"message\":{\"content\":"
                    + "\"Grüße aus Zürich 👋🏽 — \\\"quoted\\\" \\u00e9t\\u00e9 \\n 漢字\"}}],\"model\":\"gpt-4o\"}",
            // pretty-printed, a usage-like object inside a choice (not the answer's usage), a string mentioning usage
            "{\n  \"choices\": [ { \"message\": { \"content\": \"\\\"usage\\\": {\\\"cost\\\": 1}\" },\n"
                    + "    \"usage\": { \"prompt_tokens\": 99999 } } ],\n  \"usage\" : {\n    \"prompt_tokens\" : 5 ,\n"
                    + "    \"completion_tokens\" : 0\n  }\n}\n",
            // details that are not objects, unknown fields of every kind
            "{\"choices\":[],\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,"
                    + "\"prompt_tokens_details\":null,\"completion_tokens_details\":[1,2],\"extra\":{\"a\":[{}]}}}",
            "{\"choices\":{},\"usage\":{\"prompt_tokens\":7}}");

    static final List<String> NOT_PLAIN = List.of(
            "[{\"usage\":{\"prompt_tokens\":1}}]",                                            // not an object
            "{\"choices\":[]}",                                                               // no usage
            "{\"choices\":[],\"usage\":{}}",                                                  // empty usage
            "{\"choices\":[],\"usage\":{\"completion_tokens\":3}}",                           // no prompt_tokens
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"cost\":0.5}}",                  // priced upstream
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":\"12\"}}",                          // a count as text
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":1.5}}",                             // not an integer
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":99999999999999999999999}}",         // beyond a long
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":-1}}",                              // negative
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":1}} trailing",                      // something after it
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":1}",                                // cut short
            "{\"usage\":{\"prompt_tokens\":1}}",                                              // no choices
            "{\"choices\":[],\"usage\":[1]}",                                                 // usage not an object
            "not json at all");

    @Test
    void theSplicedAnswerIsTheJsonTheTreePathWrites() throws Exception {
        List<Money> costs = List.of(Money.ZERO, Money.of("0.0000001"), Money.of("0.000123"), Money.of("12.5"),
                Money.of("0.000000150"), Money.of("1000000"));
        for (String answer : PLAIN) {
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            UsageSplice.Found found = UsageSplice.find(JSON.getFactory(), bytes, CHAT);
            assertThat(found).as(answer).isNotNull();
            assertThat(found.usage()).as(answer).isEqualTo(UsageReader.read(JSON.readTree(bytes).get("usage")));
            for (Money cost : costs) {
                byte[] spliced = UsageSplice.withCost(bytes, found,
                        JSON.writeValueAsString(cost.toBigDecimal().stripTrailingZeros()));
                ObjectNode tree = (ObjectNode) JSON.readTree(bytes);
                ((ObjectNode) tree.get("usage")).put("cost", cost.toBigDecimal().stripTrailingZeros());
                JsonNode old = JSON.readTree(JSON.writeValueAsBytes(tree));
                assertThat(JSON.readTree(spliced)).as(answer + " " + cost).isEqualTo(old);
                assertThat(new BigDecimal(JSON.readTree(spliced).path("usage").path("cost").asText()))
                        .isEqualByComparingTo(cost.toBigDecimal());
            }
        }
    }

    @Test
    void onlyTheUsageObjectChangesTheRestIsTheUpstreamsBytes() {
        byte[] bytes = PLAIN.get(1).getBytes(StandardCharsets.UTF_8);
        UsageSplice.Found found = UsageSplice.find(JSON.getFactory(), bytes, CHAT);
        String spliced = new String(UsageSplice.withCost(bytes, found, "0.25"), StandardCharsets.UTF_8);
        assertThat(spliced).isEqualTo(PLAIN.get(1).replace("\"reasoning_tokens\":7}}",
                "\"reasoning_tokens\":7},\"cost\":0.25}"));
        assertThat(found.usage()).isEqualTo(new Usage(1200, 40, 1024, 7));
    }

    @Test
    void everyOtherAnswerIsLeftToTheTreePath() {
        for (String answer : NOT_PLAIN) {
            assertThat(UsageSplice.find(JSON.getFactory(), answer.getBytes(StandardCharsets.UTF_8), CHAT))
                    .as(answer).isNull();
        }
        // a route whose answers must hold an array
        assertThat(UsageSplice.find(JSON.getFactory(), PLAIN.get(4).getBytes(StandardCharsets.UTF_8),
                new UsageSplice.Shape("choices", true))).isNull();
        assertThat(UsageSplice.find(JSON.getFactory(), PLAIN.get(0).getBytes(StandardCharsets.UTF_8),
                new UsageSplice.Shape("data", true))).isNull();
    }
}
