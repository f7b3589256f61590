package dev.tollgate.edge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Counts tokens with a real tokenizer (o200k, the GPT-4o family's), the way OpenAI bills chat messages: a few
 * tokens of framing per message and per reply, plus the text of every message, tool call and tool definition.
 * Used for the worst-case estimate before a request goes upstream, and for usage the upstream did not report.
 * Images are not tokens of text: {@link #images} counts them, and each counts what the model that reads it may count
 * for one ({@code max-image-tokens}, docs/configuration.md): from about 1,445 (gpt-4o) to about 48,000 (gpt-4o-mini).
 * Nor are files ({@link #isFile}): what the upstream reads of one is not its bytes.
 *
 * <p>The tokenizer's vocabulary (about 40 MB of live heap) is built when an exact count is first needed, once per JVM
 * and shared by every counter: the usual path (a prompt priced by its {@link #promptBound bound}, an upstream that
 * reports usage) never needs it. Building it takes about a second of CPU the first time (docs/performance.md); the
 * threads counting at that moment wait for it.
 */
@Component
public class TokenCounter {

    /** Framing of each message ({@code <|start|>role<|message|>…<|end|>}). */
    static final int PER_MESSAGE = 3;
    /** Every reply is primed with {@code <|start|>assistant<|message|>}. */
    static final int PER_REPLY = 3;

    /** Builds the vocabulary; called at most once per counter, under {@link #encoding()}'s lock. */
    private final Supplier<Encoding> vocabulary;
    private volatile Encoding encoding;

    public TokenCounter() {
        this(O200k::encoding);
    }

    /** A counter whose vocabulary comes from {@code vocabulary} (tests count how often it is asked for). */
    TokenCounter(Supplier<Encoding> vocabulary) {
        this.vocabulary = vocabulary;
    }

    public long text(String text) {
        return text == null || text.isEmpty() ? 0 : encoding().countTokensOrdinary(text);
    }

    /**
     * The text of a prompt given as token ids ({@code ids}, an array of integers) in this tokenizer's vocabulary, as
     * the upstream echoes it when it tokenizes as Tollgate counts; {@code null} when an id is not in the vocabulary
     * (another tokenizer's ids, or not ids at all).
     */
    public String decode(JsonNode ids) {
        IntArrayList tokens = new IntArrayList(ids.size());
        for (JsonNode id : ids) {
            if (!id.canConvertToInt()) {
                return null;
            }
            tokens.add(id.asInt());
        }
        try {
            return encoding().decode(tokens);
        } catch (RuntimeException unknownId) { // jtokkit refuses an id it has no bytes for
            return null;
        }
    }

    /** Whether this counter has built (or been given) its vocabulary: an exact count was needed. */
    public boolean vocabularyLoaded() {
        return encoding != null;
    }

    private Encoding encoding() {
        Encoding loaded = encoding;
        if (loaded == null) {
            synchronized (this) {
                loaded = encoding;
                if (loaded == null) {
                    loaded = vocabulary.get();
                    encoding = loaded;
                }
            }
        }
        return loaded;
    }

    /** The o200k vocabulary, built on first use by the class's initialisation (thread-safe, once per JVM). */
    private static final class O200k {
        private static final Encoding ENCODING =
                Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

        static Encoding encoding() {
            return ENCODING;
        }
    }

    /** The prompt tokens of a chat completion request body, its images aside ({@link #images}). */
    public long prompt(JsonNode body) {
        long tokens = PER_REPLY;
        for (JsonNode message : body.path("messages")) {
            tokens += PER_MESSAGE;
            tokens += text(message.path("role").asText(""));
            if (message.hasNonNull("name")) {
                tokens += 1 + text(message.get("name").asText());
            }
            tokens += content(message.path("content"));
            if (message.has("tool_calls")) {
                tokens += text(message.get("tool_calls").toString());
            }
            if (message.has("function_call")) {
                tokens += text(message.get("function_call").toString());
            }
        }
        if (body.has("tools")) {
            tokens += text(body.get("tools").toString());
        }
        if (body.has("functions")) {
            tokens += text(body.get("functions").toString());
        }
        if (body.path("response_format").has("json_schema")) {
            tokens += text(body.get("response_format").get("json_schema").toString());
        }
        return tokens;
    }

    /**
     * An upper bound of {@link #prompt}, without the tokenizer: every token of a byte-level BPE (o200k) is at least one
     * byte of the text's UTF-8, so the UTF-8 length of each text stands for its tokens (the framing as counted,
     * images aside). About 4 times the count for English, 1 to 3 times for other scripts; never below it
     * (TokenCounterBoundTest). Costs a pass over the characters instead of the tokenizer's regex and merges.
     */
    public long promptBound(JsonNode body) {
        long tokens = PER_REPLY;
        for (JsonNode message : body.path("messages")) {
            tokens += PER_MESSAGE;
            tokens += bytes(message.path("role").asText(""));
            if (message.hasNonNull("name")) {
                tokens += 1 + bytes(message.get("name").asText());
            }
            tokens += contentBound(message.path("content"));
            if (message.has("tool_calls")) {
                tokens += bytes(message.get("tool_calls").toString());
            }
            if (message.has("function_call")) {
                tokens += bytes(message.get("function_call").toString());
            }
        }
        if (body.has("tools")) {
            tokens += bytes(body.get("tools").toString());
        }
        if (body.has("functions")) {
            tokens += bytes(body.get("functions").toString());
        }
        if (body.path("response_format").has("json_schema")) {
            tokens += bytes(body.get("response_format").get("json_schema").toString());
        }
        return tokens;
    }

    /**
     * The tokens of a chat request's Predicted Outputs ({@code prediction.content}: a string or text parts): the
     * upstream bills those of them the answer does not use as completion tokens, beside the output limit.
     */
    public long prediction(JsonNode body) {
        return content(body.path("prediction").path("content"));
    }

    /** An upper bound of {@link #prediction}, without the tokenizer. */
    public long predictionBound(JsonNode body) {
        return contentBound(body.path("prediction").path("content"));
    }

    /**
     * At least the tokens of {@code text}: its UTF-8 length (a lone surrogate, which a tokenizer may see as three
     * bytes, counts three).
     */
    public static long bytes(String text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private long contentBound(JsonNode content) {
        if (content.isTextual()) {
            return bytes(content.asText());
        }
        long tokens = 0;
        for (JsonNode part : content) {
            tokens += "text".equals(typeOf(part)) ? bytes(part.path("text").asText("")) : jsonBound(part);
        }
        return tokens;
    }

    /**
     * How many images the prompt holds ({@link #imagesIn} its messages' content): each counts the model's
     * {@code max-image-tokens} in the worst case, and is priced per image where the model has such a price.
     */
    public long images(JsonNode body) {
        long images = 0;
        for (JsonNode message : body.path("messages")) {
            images += imagesIn(message.path("content"));
        }
        return images;
    }

    private long content(JsonNode content) {
        if (content.isTextual()) {
            return text(content.asText());
        }
        long tokens = 0;
        for (JsonNode part : content) {
            tokens += "text".equals(typeOf(part)) ? text(part.path("text").asText("")) : json(part);
        }
        return tokens;
    }

    /**
     * The tokens of a part of a prompt that is neither a string nor a text part (a tool's output, a Responses input
     * item...) counted as the text of its JSON, its images and files left out ({@link #isImage}, {@link #isFile}).
     */
    public long json(JsonNode node) {
        JsonNode text = withoutImagesOrFiles(node);
        return text == null ? 0 : text(text.toString());
    }

    /** An upper bound of {@link #json}: the UTF-8 length of the same text. */
    public static long jsonBound(JsonNode node) {
        JsonNode text = withoutImagesOrFiles(node);
        return text == null ? 0 : bytes(text.toString());
    }

    /**
     * The images in {@code node}, wherever they are (a message's content part, a tool's output, a computer
     * screenshot...): each counts as one image, never as text.
     */
    public static long imagesIn(JsonNode node) {
        if (isImage(node)) {
            return 1;
        }
        long images = 0;
        for (JsonNode child : node) { // the values of an object, the elements of an array; a value has none
            images += imagesIn(child);
        }
        return images;
    }

    /**
     * An image in a prompt: chat's {@code image_url} part, the Responses API's {@code input_image}, a
     * {@code computer_screenshot}. Counted by {@link #images} (the model's {@code max-image-tokens}), not as text.
     */
    public static boolean isImage(JsonNode node) {
        return switch (typeOf(node)) {
            case "image_url", "input_image", "computer_screenshot" -> true;
            default -> false;
        };
    }

    /**
     * A file in a prompt (chat's {@code file} part, the Responses API's {@code input_file}: by id, URL or inline data):
     * what the upstream reads of it is not its bytes, so it is not counted as text; a request carrying one is reserved
     * at the model's context window (docs/api.md).
     */
    public static boolean isFile(JsonNode node) {
        return switch (typeOf(node)) {
            case "file", "input_file" -> true;
            default -> false;
        };
    }

    /** The {@code type} of an object, {@code ""} when it has none (or is no object). */
    private static String typeOf(JsonNode node) {
        JsonNode type = node.get("type");
        return type != null && type.isTextual() ? type.asText() : "";
    }

    /**
     * {@code node} without its images and files, wherever nested: {@code null} if it is one, itself if it holds none,
     * else a copy of what holds them (one pass; what holds none is shared, not copied).
     */
    private static JsonNode withoutImagesOrFiles(JsonNode node) {
        if (isImage(node) || isFile(node)) {
            return null;
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = null;
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = withoutImagesOrFiles(field.getValue());
                if (value != field.getValue()) {
                    if (copy == null) {
                        copy = JsonNodeFactory.instance.objectNode();
                        copy.setAll(object);
                    }
                    if (value == null) {
                        copy.remove(field.getKey());
                    } else {
                        copy.set(field.getKey(), value);
                    }
                }
            }
            return copy == null ? node : copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = null;
            for (int i = 0; i < array.size(); i++) {
                JsonNode element = array.get(i);
                JsonNode value = withoutImagesOrFiles(element);
                if (value != element && copy == null) {
                    copy = JsonNodeFactory.instance.arrayNode(array.size());
                    for (int j = 0; j < i; j++) {
                        copy.add(array.get(j));
                    }
                }
                if (copy != null && value != null) {
                    copy.add(value);
                }
            }
            return copy == null ? node : copy;
        }
        return node;
    }
}
