package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.wire.SseEvents;
import dev.tollgate.edge.wire.SseSplitter;
import dev.tollgate.edge.wire.TokenCounter;
import dev.tollgate.edge.wire.UsageReader;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What passes between the upstream's stream and the client, event by event. Events go through as they are, except:
 * the usage event (which the gateway always asks the upstream for) gets the cost added, or is dropped when the
 * client did not ask for usage; and {@code [DONE]} is held back until the request is settled. The text delivered so
 * far is kept only in memory, only to count its tokens when a stream is cut before the upstream reports usage.
 */
final class StreamRelay {

    private final ObjectMapper json;
    private final TokenCounter tokens;
    private final java.util.function.Function<Usage, Money> prices;
    private final boolean clientWantsUsage;
    private final long estimatedPromptTokens;
    private final SseSplitter splitter = new SseSplitter();
    private final StringBuilder delivered = new StringBuilder();
    private Usage upstreamUsage;
    private boolean sawDone;
    private boolean emittedAny;
    private java.util.function.Consumer<JsonNode> observer = chunk -> { };

    StreamRelay(ObjectMapper json, TokenCounter tokens, java.util.function.Function<Usage, Money> prices,
                boolean clientWantsUsage,
                long estimatedPromptTokens) {
        this.json = json;
        this.tokens = tokens;
        this.prices = prices;
        this.clientWantsUsage = clientWantsUsage;
        this.estimatedPromptTokens = estimatedPromptTokens;
    }

    /** Shows every parsed event to {@code observer} (telemetry: time to first token, response id, finish reasons). */
    void observe(java.util.function.Consumer<JsonNode> observer) {
        this.observer = observer;
    }

    /** The events to send the client for one chunk of upstream bytes. */
    List<byte[]> onChunk(byte[] chunk) {
        List<byte[]> events = splitter.feed(chunk);
        List<byte[]> out = new java.util.ArrayList<>(events.size());
        for (byte[] event : events) {
            byte[] relayed = relay(event);
            if (relayed != null) {
                out.add(relayed);
                emittedAny = true;
            }
        }
        return out;
    }

    private byte[] relay(byte[] event) {
        String data = dataOf(event);
        if (data == null) {
            return event; // a comment or keep-alive
        }
        if (data.equals("[DONE]")) {
            sawDone = true;
            return null;
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(data);
        } catch (Exception e) {
            return event; // not JSON: not ours to judge
        }
        observer.accept(chunk);
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode delta = choice.path("delta");
            if (delta.path("content").isTextual()) {
                delivered.append(delta.get("content").asText());
            }
            for (JsonNode call : delta.path("tool_calls")) {
                delivered.append(call.path("function").path("arguments").asText(""));
            }
        }
        Usage usage = UsageReader.read(chunk.get("usage"));
        if (usage == null || !chunk.isObject()) {
            return event;
        }
        upstreamUsage = usage;
        ObjectNode withCost = (ObjectNode) chunk;
        if (clientWantsUsage) {
            ((ObjectNode) withCost.get("usage")).put("cost", prices.apply(usage).toBigDecimal().stripTrailingZeros());
        } else if (chunk.path("choices").isEmpty()) {
            return null;
        } else {
            withCost.remove("usage");
        }
        return eventOf(withCost);
    }

    /** A usage event the gateway writes itself, when the client asked for usage but the upstream sent none. */
    byte[] synthesizedUsageEvent(Money cost) {
        ObjectNode chunk = json.createObjectNode().put("object", "chat.completion.chunk");
        chunk.putArray("choices");
        Usage usage = usage();
        chunk.putObject("usage")
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens())
                .put("cost", cost.toBigDecimal().stripTrailingZeros());
        return eventOf(chunk);
    }

    /** The upstream's usage, or the tokens counted here when it reported none (a cut or a terse upstream). */
    Usage usage() {
        return upstreamUsage != null ? upstreamUsage
                : new Usage(estimatedPromptTokens, tokens.text(delivered.toString()), 0, 0);
    }

    boolean upstreamReportedUsage() {
        return upstreamUsage != null;
    }

    boolean sawDone() {
        return sawDone;
    }

    boolean emittedAny() {
        return emittedAny;
    }

    boolean clientWantsUsage() {
        return clientWantsUsage;
    }

    private byte[] eventOf(JsonNode data) {
        return SseEvents.data(json, data);
    }

    private static String dataOf(byte[] event) {
        String text = new String(event, StandardCharsets.UTF_8);
        StringBuilder data = null;
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("data:")) {
                String value = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return data == null ? null : data.toString().trim();
    }
}
