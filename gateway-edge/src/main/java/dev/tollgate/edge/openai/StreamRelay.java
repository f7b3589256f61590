package dev.tollgate.edge.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.wire.SseFields;
import dev.tollgate.edge.wire.SseEvents;
import dev.tollgate.edge.wire.SseSplitter;
import dev.tollgate.edge.wire.TokenCounter;
import dev.tollgate.edge.wire.UsageReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What passes between an upstream's event stream and the client, event by event, for every streamed route. Events
 * go through as they arrive, byte for byte, except the one carrying the usage, which gets the cost added (or, where
 * the client did not ask for usage, is dropped), and {@code [DONE]}, held back until the request is settled. The
 * delivered text, the answer's and the reasoning's, is kept in memory only to count its tokens: when a stream is cut
 * before the upstream reports its usage, and to stop at the output tokens the budget granted when an upstream does
 * not (docs/ledger.md). Reasoning streamed as text is generated output like the answer, and billed so.
 * One instance per stream; not thread-safe.
 */
final class StreamRelay {

    /** Reads the output of a plain event from its bytes ({@link Dialect#skim}). */
    @FunctionalInterface
    interface Skimmer {
        Output skim(ObjectMapper json, byte[] event, int start, int end);
    }

    /**
     * Text a stream delivers, of one event or of all of them: the answer (content, refusal, function calls) and the
     * reasoning streamed beside it ({@code reasoning_content}, reasoning deltas). Neither is {@code null}.
     */
    record Output(String text, String reasoning) {

        static final Output NONE = new Output("", "");

        static Output of(String text, String reasoning) {
            return text.isEmpty() && reasoning.isEmpty() ? NONE : new Output(text, reasoning);
        }

        /** An answer's text without reasoning; {@code null} is none. */
        static Output text(String text) {
            return text == null ? NONE : of(text, "");
        }

        boolean isEmpty() {
            return text.isEmpty() && reasoning.isEmpty();
        }

        /** This output followed by {@code next} (the choices of one event). */
        Output plus(Output next) {
            return next.isEmpty() ? this : isEmpty() ? next
                    : new Output(text + next.text, reasoning + next.reasoning);
        }

        /**
         * The usage of a stream that reported none: the prompt as counted, this output counted. The reasoning is
         * reported as reasoning tokens (part of the completion), as the upstreams that stream it report it in their
         * own usage ({@code completion_tokens_details.reasoning_tokens}): a cut stream is then priced as the same
         * stream would have been had it finished, and still within its reservation, which prices every output
         * token at the dearer of the output and reasoning prices.
         */
        Usage counted(TokenCounter tokens, long promptTokens, long images) {
            long reasoningTokens = tokens.text(reasoning);
            return new Usage(promptTokens, tokens.text(text) + reasoningTokens, 0, reasoningTokens)
                    .withImages(images);
        }
    }

    /** What differs between the routes' streams. */
    interface Dialect {

        /** The answer and reasoning text an event delivers, or {@code null}. */
        Output output(JsonNode event);

        /** The usage an event reports, or {@code null}. */
        Usage usage(JsonNode event);

        /**
         * Removes from {@code event} a usage block that reports a count not believed ({@link UsageReader}), which
         * {@link #usage} read as none, so that the client is not shown counts Tollgate did not charge; {@code true}
         * when it removed one.
         */
        default boolean dropUnbelievedUsage(ObjectNode event) {
            return false;
        }

        /** The event to send in place of one reporting usage (with its cost), or {@code null} to drop it. */
        JsonNode withCost(ObjectNode event, Money cost);

        /** What to send after the upstream's last event, once the request is settled at {@code usage}. */
        List<byte[]> closing(StreamRelay relay, Usage usage, Money cost);

        /** The usage of a stream that reported none: the prompt as counted, the delivered output counted. */
        Usage counted(Output delivered);

        /**
         * The output a plain one-line event delivers, read from its bytes without building its tree
         * ({@link Output#NONE}: none), or {@code null} when the event needs its tree: it reports usage, or holds
         * anything the skim does not read. Only a dialect that knows its events' shape skims; the others always take
         * the tree.
         */
        default Output skim(ObjectMapper json, byte[] event, int start, int end) {
            return null;
        }

        /**
         * Whether the output delivered so far can be held to the tokens granted ({@link #limit}): false once it
         * holds text counted as output that is not (a legacy completion's echo of token ids decoded otherwise
         * upstream, {@link EchoedPrompts}), which would cut an honest stream.
         */
        default boolean heldToGrant() {
            return true;
        }
    }

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;
    private final Dialect dialect;
    private final Function<Usage, Money> prices;
    private final SseSplitter splitter = new SseSplitter();
    private final StringBuilder delivered = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private Usage upstreamUsage;
    private boolean emittedAny;
    private Consumer<JsonNode> observer = event -> { };
    /** Whether the observer sees every event, or only the first (all that time to first token needs). */
    private boolean observeEvery = true;
    private boolean observedAny;
    private TokenCounter tokens;
    private long outputLimit = -1;
    /** Tokens of the delivered text and reasoning when last counted, and their length then. */
    private long countedTokens;
    private int countedLength;
    private boolean overBudget;
    /**
     * The output of the event that went past the grant: not sent, but generated and billed by the upstream, so
     * counted in the charge of a stream without the upstream's usage (within the grant: {@link #usage}).
     */
    private Output withheld = Output.NONE;

    StreamRelay(ObjectMapper json, Dialect dialect, Function<Usage, Money> prices) {
        this.json = json;
        this.dialect = dialect;
        this.prices = prices;
    }

    /** Shows every parsed event to {@code observer} (telemetry: time to first token, response id and model). */
    void observe(Consumer<JsonNode> observer) {
        observe(observer, true);
    }

    /**
     * Shows parsed events to {@code observer}: every one, or with {@code every} false only the first (then the
     * others may be skimmed from their bytes without a tree: {@link Dialect#skim}).
     */
    void observe(Consumer<JsonNode> observer, boolean every) {
        this.observer = observer;
        this.observeEvery = every;
    }

    /**
     * Stops the stream once the text and reasoning delivered hold more than {@code outputTokens} tokens: what the
     * budget granted, which an upstream that ignores {@code max_tokens} would go past. Cheap: the tokenizer runs only
     * when the text has grown enough that it could be over (a token is at least one character).
     */
    void limit(long outputTokens, TokenCounter counter) {
        this.outputLimit = outputTokens;
        this.tokens = counter;
    }

    /** Whether the delivered text went past the granted output tokens: the relay forwards nothing more. */
    boolean stopped() {
        return overBudget;
    }

    List<byte[]> onChunk(byte[] chunk) {
        if (overBudget) {
            return List.of();
        }
        List<byte[]> events = splitter.feed(chunk);
        List<byte[]> out = new ArrayList<>(events.size());
        for (byte[] event : events) {
            byte[] relayed = relay(event);
            if (relayed != null) {
                out.add(relayed);
                emittedAny = true;
            }
            if (overBudget) {
                break;
            }
        }
        return out;
    }

    /**
     * The event an upstream's stream ended with when it did not end it with a blank line (empty when there is none,
     * or the relay stopped): read as any other, since it may carry the usage. Once, when the stream has ended.
     */
    List<byte[]> onEnd() {
        byte[] last = splitter.end();
        if (overBudget || last == null) {
            return List.of();
        }
        byte[] relayed = relay(last);
        if (relayed == null) {
            return List.of();
        }
        emittedAny = true;
        return List.of(relayed);
    }

    private byte[] relay(byte[] event) {
        int end = singleDataLineEnd(event);
        String otherLines = null;
        JsonNode parsed;
        if (end > 0) {
            // the usual shape, "data: {...}" and its blank line: parsed from the bytes, no strings
            int start = event[5] == ' ' ? 6 : 5;
            if (isDone(event, start, end)) {
                return null; // sent by closing(), after the settlement
            }
            if (!observeEvery && observedAny) {
                Output skimmed = dialect.skim(json, event, start, end);
                if (skimmed != null) {
                    // the usual content chunk: its text read from its bytes, no tree, the event passed on as it is
                    return deliver(skimmed) ? event : null;
                }
            }
            try {
                parsed = json.readTree(event, start, end - start);
            } catch (Exception e) {
                return event; // not JSON: not ours to judge
            }
        } else {
            SseFields fields = SseFields.of(new String(event, StandardCharsets.UTF_8));
            otherLines = fields.otherLines();
            String payload = fields.data();
            if (payload == null) {
                return event; // a comment or keep-alive
            }
            if (payload.equals("[DONE]")) {
                return null; // sent by closing(), after the settlement
            }
            try {
                parsed = json.readTree(payload);
            } catch (Exception e) {
                return event; // not JSON: not ours to judge
            }
        }
        if (observeEvery || !observedAny) {
            observedAny = true;
            observer.accept(parsed);
        }
        if (!deliver(dialect.output(parsed))) {
            return null;
        }
        Usage usage = dialect.usage(parsed);
        if (usage == null || !(parsed instanceof ObjectNode object)) {
            if (parsed instanceof ObjectNode unread && dialect.dropUnbelievedUsage(unread)) {
                // its usage is none: counted at the end, as if never sent; a chunk that held only that usage is
                // not sent at all (a client reading choices[0] of every chunk would fail on it)
                JsonNode choices = unread.get("choices");
                return choices != null && choices.isArray() && choices.isEmpty() ? null : rewritten(unread, otherLines);
            }
            return event;
        }
        upstreamUsage = usage;
        JsonNode replaced = dialect.withCost(object, prices.apply(usage));
        if (replaced == null) {
            return null;
        }
        return rewritten(replaced, otherLines);
    }

    /** An event written again from its tree, after the lines other than its data that it came with. */
    private byte[] rewritten(JsonNode replaced, String otherLines) {
        byte[] rewritten = SseEvents.data(json, replaced);
        if (otherLines == null) {
            return rewritten;
        }
        return (otherLines + new String(rewritten, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Adds an event's output to what was delivered; {@code false} when it goes past what was granted: that event is
     * not sent, and the stream ends before it; its output, which the upstream generated, is kept to be charged.
     */
    private boolean deliver(Output delta) {
        if (delta != null && !delta.isEmpty()) {
            int textBefore = delivered.length();
            int reasoningBefore = reasoning.length();
            delivered.append(delta.text());
            reasoning.append(delta.reasoning());
            if (overBudget()) {
                delivered.setLength(textBefore);
                reasoning.setLength(reasoningBefore);
                withheld = delta;
                return false;
            }
        }
        return true;
    }

    /**
     * Skims a chat completion chunk: the {@code delta.content}, the {@code delta.refusal} and the reasoning
     * ({@link #reasoningOf}) of its choices, concatenated ({@link Output#NONE}: none), or {@code null} when the chunk
     * needs its tree (a non-null {@code usage}, function calls, {@code tool_calls} or the legacy
     * {@code function_call}, a content, refusal or reasoning that is not a string or null, anything after the
     * object, anything not JSON). What {@code ChatCompletionsRoute}'s output of a chunk reads from its tree, read by
     * a streaming parser.
     */
    static Output skimChatChunk(ObjectMapper json, byte[] event, int start, int end) {
        try (JsonParser parser = json.getFactory().createParser(event, start, end - start)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Output output = Output.NONE; // as the tree reads it: of a field given twice, the last one counts
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("usage".equals(field)) {
                    if (value != JsonToken.VALUE_NULL) {
                        return null;
                    }
                } else if ("choices".equals(field)) {
                    if (value != JsonToken.START_ARRAY) {
                        return null;
                    }
                    output = Output.NONE;
                    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                        Output choice = token == JsonToken.START_OBJECT ? skimChoice(parser) : null;
                        if (choice == null) {
                            return null;
                        }
                        output = output.plus(choice);
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return null;
            }
            return output;
        } catch (IOException e) {
            return null; // not JSON: the tree path decides what to do with it
        }
    }

    /** One choice of a chat chunk, its start read: its delta's content, refusal and reasoning, or {@code null}. */
    private static Output skimChoice(JsonParser parser) throws IOException {
        String content = "";
        String refusal = "";
        String reasoningContent = "";
        String reasoningField = "";
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (!"delta".equals(field)) {
                parser.skipChildren();
                continue;
            }
            if (value != JsonToken.START_OBJECT) {
                return null;
            }
            content = "";
            refusal = "";
            reasoningContent = "";
            reasoningField = "";
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String deltaField = parser.currentName();
                JsonToken deltaValue = parser.nextToken();
                switch (deltaField) {
                    case "tool_calls", "function_call" -> {
                        return null; // the tree reads calls (ChatCompletionsRoute.deltaOutput)
                    }
                    case "content", "refusal", "reasoning_content", "reasoning" -> {
                        if (deltaValue != JsonToken.VALUE_STRING && deltaValue != JsonToken.VALUE_NULL) {
                            return null;
                        }
                        String read = deltaValue == JsonToken.VALUE_STRING ? parser.getText() : "";
                        switch (deltaField) {
                            case "content" -> content = read;
                            case "refusal" -> refusal = read;
                            case "reasoning_content" -> reasoningContent = read;
                            default -> reasoningField = read;
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        }
        // the tree's order, content then refusal; a refusal comes alone, so nothing is joined as a rule
        String said = refusal.isEmpty() ? content : content.isEmpty() ? refusal : content + refusal;
        return Output.of(said, reasoningOf(reasoningContent, reasoningField));
    }

    /**
     * The reasoning of a chat delta from its {@code reasoning_content} (DeepSeek, vLLM) and {@code reasoning}
     * (OpenRouter, Ollama, vLLM after its rename) strings, {@code ""} when absent. A server that sends both sends the
     * same text twice: it is counted once, the longer, so that it is never counted short.
     */
    static String reasoningOf(String reasoningContent, String reasoning) {
        return reasoningContent.length() >= reasoning.length() ? reasoningContent : reasoning;
    }

    /**
     * Where the one line of an event that is a single {@code data:} line ends (its blank line follows), or -1 for
     * any other event (more lines, comments, fields): those take the general path.
     */
    static int singleDataLineEnd(byte[] event) {
        if (event.length < 7 || event[0] != 'd' || event[1] != 'a' || event[2] != 't' || event[3] != 'a'
                || event[4] != ':') {
            return -1;
        }
        int end = 5;
        while (end < event.length && event[end] != '\n' && event[end] != '\r') {
            end++;
        }
        for (int i = end; i < event.length; i++) {
            if (event[i] != '\n' && event[i] != '\r') {
                return -1;
            }
        }
        return end;
    }

    /** Whether {@code event[start, end)}, trimmed, is {@code [DONE]}. */
    private static boolean isDone(byte[] event, int start, int end) {
        while (start < end && event[start] <= ' ') {
            start++;
        }
        while (end > start && event[end - 1] <= ' ') {
            end--;
        }
        return end - start == DONE.length && Arrays.equals(event, start, end, DONE, 0, DONE.length);
    }

    /** Whether the output delivered so far holds more tokens than granted; sets {@link #overBudget} when it does. */
    private boolean overBudget() {
        int length = delivered.length() + reasoning.length();
        if (outputLimit < 0 || length - countedLength + countedTokens <= outputLimit) {
            return false; // even at one token per character it cannot be over yet
        }
        if (!dialect.heldToGrant()) {
            return false; // what is counted holds more than the output: its count says nothing of the grant
        }
        countedTokens = tokens.text(delivered.toString()) + tokens.text(reasoning.toString());
        countedLength = length;
        overBudget = countedTokens > outputLimit;
        return overBudget;
    }

    /**
     * The upstream's usage, or the tokens counted here when it reported none (a cut or a terse upstream). A stream
     * stopped at its grant counts the event that went past it too (the upstream billed it, though it was not sent),
     * but never more output than granted: the reservation's bound, which only the upstream's own usage may pass.
     */
    Usage usage() {
        if (upstreamUsage != null) {
            return upstreamUsage;
        }
        Usage counted = dialect.counted(new Output(delivered + withheld.text(), reasoning + withheld.reasoning()));
        if (!overBudget || counted.completionTokens() <= outputLimit) {
            return counted;
        }
        return new Usage(counted.promptTokens(), outputLimit, counted.cachedPromptTokens(),
                Math.min(counted.reasoningTokens(), outputLimit), counted.images(), counted.imageVariant());
    }

    boolean upstreamReportedUsage() {
        return upstreamUsage != null;
    }

    boolean emittedAny() {
        return emittedAny;
    }

    /** What to send last, the request settled at {@code usage} (what was counted, or more: GovernedCall). */
    List<byte[]> closing(Usage usage, Money cost) {
        return dialect.closing(this, usage, cost);
    }

    /**
     * The streams of chat completions and (legacy) completions: {@code choices} with text deltas, the usage in a
     * last chunk the gateway always asks for ({@code stream_options.include_usage}, dropped if the client did not
     * ask), a usage chunk written here when the client asked but the upstream sent none, then {@code [DONE]}.
     */
    static final class Choices implements Dialect {

        private final ObjectMapper json;
        private final TokenCounter tokens;
        private final String chunkObject;
        private final Function<JsonNode, Output> output;
        private final boolean clientWantsUsage;
        private final LongSupplier promptTokens;
        private final long images;
        private final Skimmer skimmer;
        private BooleanSupplier heldToGrant = () -> true;

        /**
         * @param chunkObject the {@code object} of a usage chunk written here
         * @param output      the text and reasoning one choice of a chunk delivers
         * @param promptTokens the prompt counted exactly, images included (for a stream that reports no usage)
         */
        Choices(ObjectMapper json, TokenCounter tokens, String chunkObject, Function<JsonNode, Output> output,
                boolean clientWantsUsage, LongSupplier promptTokens, long images) {
            this(json, tokens, chunkObject, output, clientWantsUsage, promptTokens, images, null);
        }

        /** @param skimmer reads the output of a plain chunk from its bytes, as {@code output} does from its tree */
        Choices(ObjectMapper json, TokenCounter tokens, String chunkObject, Function<JsonNode, Output> output,
                boolean clientWantsUsage, LongSupplier promptTokens, long images, Skimmer skimmer) {
            this.skimmer = skimmer;
            this.json = json;
            this.tokens = tokens;
            this.chunkObject = chunkObject;
            this.output = output;
            this.clientWantsUsage = clientWantsUsage;
            this.promptTokens = promptTokens;
            this.images = images;
        }

        @Override
        public Output output(JsonNode event) {
            JsonNode choices = event.path("choices");
            if (choices.isEmpty()) {
                return null;
            }
            Output all = Output.NONE;
            for (JsonNode choice : choices) {
                Output part = output.apply(choice);
                all = part == null ? all : all.plus(part);
            }
            return all;
        }

        /** Tells whether the output counted can be held to the grant ({@link Dialect#heldToGrant}). */
        Choices heldToGrant(BooleanSupplier held) {
            this.heldToGrant = held;
            return this;
        }

        @Override
        public boolean heldToGrant() {
            return heldToGrant.getAsBoolean();
        }

        @Override
        public Output skim(ObjectMapper json, byte[] event, int start, int end) {
            return skimmer == null ? null : skimmer.skim(json, event, start, end);
        }

        @Override
        public Usage usage(JsonNode event) {
            Usage usage = UsageReader.read(event.get("usage"));
            return usage == null ? null : usage.withImages(images);
        }

        @Override
        public boolean dropUnbelievedUsage(ObjectNode event) {
            JsonNode usage = event.get("usage");
            if (usage == null || !usage.isObject() || !usage.has("prompt_tokens")) {
                return false;
            }
            event.putNull("usage");
            return true;
        }

        @Override
        public JsonNode withCost(ObjectNode event, Money cost) {
            if (clientWantsUsage) {
                ((ObjectNode) event.get("usage")).put("cost", cost.toBigDecimal().stripTrailingZeros());
                return event;
            }
            if (event.path("choices").isEmpty()) {
                return null;
            }
            event.remove("usage");
            return event;
        }

        @Override
        public List<byte[]> closing(StreamRelay relay, Usage usage, Money cost) {
            if (!clientWantsUsage || relay.upstreamReportedUsage()) {
                return List.of(SseEvents.DONE);
            }
            ObjectNode chunk = json.createObjectNode().put("object", chunkObject);
            chunk.putArray("choices");
            ObjectNode written = chunk.putObject("usage").put("prompt_tokens", usage.promptTokens())
                    .put("completion_tokens", usage.completionTokens())
                    .put("total_tokens", usage.totalTokens());
            written.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
            written.put("cost", cost.toBigDecimal().stripTrailingZeros());
            return List.of(SseEvents.data(json, chunk), SseEvents.DONE);
        }

        @Override
        public Usage counted(Output delivered) {
            return delivered.counted(tokens, promptTokens.getAsLong(), images);
        }
    }
}
