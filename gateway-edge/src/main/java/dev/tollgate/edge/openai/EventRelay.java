package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.wire.SseEvents;
import dev.tollgate.edge.wire.SseSplitter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What passes between an upstream's event stream and the client, event by event, for the routes other than chat
 * completions. Events go through as they arrive, byte for byte, except the one carrying the usage, which gets the
 * cost added (or, where the client did not ask for usage, is dropped), and {@code [DONE]}, held back until the
 * request is settled. The delivered text is kept in memory only to count its tokens when a stream is cut before the
 * upstream reports its usage. One instance per stream; not thread-safe.
 */
final class EventRelay {

    /** What differs between the routes' streams. */
    interface Dialect {

        /** The answer text an event delivers, or {@code null}. */
        String text(JsonNode event);

        /** The usage an event reports, or {@code null}. */
        Usage usage(JsonNode event);

        /** The event to send in place of one reporting usage (with its cost), or {@code null} to drop it. */
        JsonNode withCost(ObjectNode event, Money cost);

        /** What to send after the upstream's last event, once the request is settled. */
        List<byte[]> closing(EventRelay relay, Money cost);

        /** The usage of a stream that reported none: the prompt as counted, the delivered text counted. */
        Usage counted(String delivered);
    }

    private final ObjectMapper json;
    private final Dialect dialect;
    private final Function<Usage, Money> prices;
    private final SseSplitter splitter = new SseSplitter();
    private final StringBuilder delivered = new StringBuilder();
    private Usage upstreamUsage;
    private boolean emittedAny;
    private java.util.function.Consumer<JsonNode> observer = event -> { };

    EventRelay(ObjectMapper json, Dialect dialect, Function<Usage, Money> prices) {
        this.json = json;
        this.dialect = dialect;
        this.prices = prices;
    }

    /** Shows every parsed event to {@code observer} (telemetry: time to first token, response id and model). */
    void observe(java.util.function.Consumer<JsonNode> observer) {
        this.observer = observer;
    }

    List<byte[]> onChunk(byte[] chunk) {
        List<byte[]> events = splitter.feed(chunk);
        List<byte[]> out = new ArrayList<>(events.size());
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
        String text = new String(event, StandardCharsets.UTF_8);
        StringBuilder data = null;
        StringBuilder otherLines = new StringBuilder();
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("data:")) {
                String value = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            } else if (!line.isEmpty()) {
                otherLines.append(line).append('\n');
            }
        }
        if (data == null) {
            return event; // a comment or keep-alive
        }
        String payload = data.toString().trim();
        if (payload.equals("[DONE]")) {
            return null; // sent by closing(), after the settlement
        }
        JsonNode parsed;
        try {
            parsed = json.readTree(payload);
        } catch (Exception e) {
            return event; // not JSON: not ours to judge
        }
        observer.accept(parsed);
        String delta = dialect.text(parsed);
        if (delta != null) {
            delivered.append(delta);
        }
        Usage usage = dialect.usage(parsed);
        if (usage == null || !(parsed instanceof ObjectNode object)) {
            return event;
        }
        upstreamUsage = usage;
        JsonNode replaced = dialect.withCost(object, prices.apply(usage));
        if (replaced == null) {
            return null;
        }
        return (otherLines + new String(SseEvents.data(json, replaced), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The upstream's usage, or the tokens counted here when it reported none (a cut or a terse upstream). */
    Usage usage() {
        return upstreamUsage != null ? upstreamUsage : dialect.counted(delivered.toString());
    }

    boolean upstreamReportedUsage() {
        return upstreamUsage != null;
    }

    boolean emittedAny() {
        return emittedAny;
    }

    List<byte[]> closing(Money cost) {
        return dialect.closing(this, cost);
    }
}
