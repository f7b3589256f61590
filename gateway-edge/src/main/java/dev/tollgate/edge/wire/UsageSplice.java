package dev.tollgate.edge.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.api.spend.Usage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads OpenAI's {@code usage} block out of an upstream's JSON answer with Jackson's streaming parser (no tree), and
 * adds {@code "cost"} to it by splicing bytes: everything else goes to the client byte for byte.
 * <p>
 * Only the plain case is handled here: a JSON object (nothing after it), with the route's {@code required} field at
 * its top level, and a top-level {@code usage} object whose counts are integers that {@link UsageReader} believes and
 * which has no {@code cost} yet.
 * Anything else ({@link #find} answers {@code null}) takes the tree path, which knows every other case; the result
 * is the same JSON (UsageSpliceTest compares the two over a corpus).
 */
public final class UsageSplice {

    /**
     * What a route's answers look like.
     *
     * @param required      a top-level field every answer of the route has ({@code choices}, {@code data})
     * @param requiredArray whether that field must be an array (else: present, whatever it holds)
     */
    public record Shape(String required, boolean requiredArray) {
    }

    /**
     * The usage an answer reports, and where its {@code usage} object ends.
     *
     * @param insertAt the byte offset of the usage object's closing brace
     */
    public record Found(Usage usage, int insertAt) {
    }

    private UsageSplice() {
    }

    /**
     * The usage of {@code answer} (OpenAI's chat fields: {@code prompt_tokens}, {@code completion_tokens},
     * {@code prompt_tokens_details.cached_tokens}, {@code completion_tokens_details.reasoning_tokens}), or
     * {@code null} when the answer is not the plain case (see the class comment).
     */
    public static Found find(JsonFactory factory, byte[] answer, Shape shape) {
        try (JsonParser parser = factory.createParser(answer)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            boolean required = false;
            Usage usage = null;
            int insertAt = -1;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("usage")) {
                    if (value != JsonToken.START_OBJECT) {
                        return null;
                    }
                    usage = usage(parser);
                    if (usage == null) {
                        return null;
                    }
                    insertAt = (int) parser.currentTokenLocation().getByteOffset();
                } else {
                    if (name.equals(shape.required())) {
                        required = !shape.requiredArray() || value == JsonToken.START_ARRAY;
                    }
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null || !required || usage == null
                    || insertAt <= 0 || answer[insertAt] != '}') {
                return null;
            }
            return new Found(usage, insertAt);
        } catch (IOException | RuntimeException e) {
            return null; // not JSON, or not as expected: the tree path decides
        }
    }

    /** {@code answer} with {@code "cost":<costJson>} added at the end of its usage object. */
    public static byte[] withCost(byte[] answer, Found found, String costJson) {
        byte[] cost = (",\"cost\":" + costJson).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[answer.length + cost.length];
        System.arraycopy(answer, 0, out, 0, found.insertAt());
        System.arraycopy(cost, 0, out, found.insertAt(), cost.length);
        System.arraycopy(answer, found.insertAt(), out, found.insertAt() + cost.length,
                answer.length - found.insertAt());
        return out;
    }

    /** Reads a usage object (the parser on its START_OBJECT, left on its END_OBJECT); {@code null}: not plain. */
    private static Usage usage(JsonParser parser) throws IOException {
        long prompt = -1;
        long completion = 0;
        long cached = 0;
        long reasoning = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = count(parser, value);
                case "completion_tokens" -> completion = count(parser, value);
                case "prompt_tokens_details" -> cached = detail(parser, value, "cached_tokens");
                case "completion_tokens_details" -> reasoning = detail(parser, value, "reasoning_tokens");
                case "cost" -> {
                    return null; // the upstream priced it (OpenRouter): the tree path replaces it
                }
                default -> parser.skipChildren();
            }
            if (prompt == Long.MIN_VALUE || completion == Long.MIN_VALUE || cached == Long.MIN_VALUE
                    || reasoning == Long.MIN_VALUE) {
                return null;
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || prompt < 0) {
            return null; // no prompt_tokens (or negative): not a usage the gateway reads this way
        }
        if (!UsageReader.believable(prompt, completion, cached, reasoning)) {
            return null; // a count not believed: the tree path charges the answer as if it reported no usage
        }
        return new Usage(prompt, completion, cached, reasoning);
    }

    /** One field of a details object; 0 when absent or when the details are not an object. */
    private static long detail(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return 0;
        }
        long found = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken inner = parser.nextToken();
            if (name.equals(field)) {
                found = count(parser, inner);
            } else {
                parser.skipChildren();
            }
        }
        return found;
    }

    /** An integer count that fits a long; {@link Long#MIN_VALUE} for anything else (the tree path decides). */
    private static long count(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return parser.getLongValue();
        }
        parser.skipChildren();
        return Long.MIN_VALUE;
    }
}
