package dev.tollgate.edge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tokenizer's vocabulary (about 40 MB of heap) is built only when an exact count is first needed, and once: the
 * bound a chat prompt is priced by far from its budget's end never builds it (docs/performance.md, "Memory").
 */
class TokenCounterVocabularyTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    /** Hands out the vocabulary and counts how often it was asked for. */
    static final class Counted implements Supplier<Encoding> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Encoding get() {
            calls.incrementAndGet();
            return O200K;
        }
    }

    static JsonNode body() throws Exception {
        return JSON.readTree("""
                {"model":"m","max_tokens":5,"messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"user","name":"ada","content":[{"type":"text","text":"Grüße 👋 explain recursion"},
                    {"type":"image_url","image_url":{"url":"https://example.org/a.png"}}]},
                  {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]}],
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"}}}}
                """);
    }

    @Test
    void theBoundAndTheImagesDoNotBuildTheVocabulary() throws Exception {
        Counted vocabulary = new Counted();
        TokenCounter tokens = new TokenCounter(vocabulary);

        long bound = tokens.promptBound(body());
        long images = tokens.images(body());
        long bytes = TokenCounter.bytes("Grüße");

        assertThat(bound).isPositive();
        assertThat(images).isEqualTo(1);
        assertThat(bytes).isEqualTo(7);
        assertThat(vocabulary.calls).hasValue(0);
        assertThat(tokens.vocabularyLoaded()).isFalse();
    }

    @Test
    void theFirstExactCountBuildsItOnceAndCountsAsBefore() throws Exception {
        Counted vocabulary = new Counted();
        TokenCounter tokens = new TokenCounter(vocabulary);

        long prompt = tokens.prompt(body());
        long text = tokens.text("Hello, world!");
        long again = tokens.text("Hello, world!");

        assertThat(vocabulary.calls).hasValue(1);
        assertThat(tokens.vocabularyLoaded()).isTrue();
        assertThat(text).isEqualTo(again).isEqualTo(O200K.countTokensOrdinary("Hello, world!"));
        assertThat(prompt).isEqualTo(new TokenCounter().prompt(body())); // the default counter's own vocabulary
        assertThat(tokens.text("")).isZero();
        assertThat(tokens.text(null)).isZero();
    }

    @Test
    void manyThreadsCountingAtOnceBuildItOnce() throws Exception {
        Counted vocabulary = new Counted();
        TokenCounter tokens = new TokenCounter(vocabulary);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> counts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                counts.add(pool.submit(() -> {
                    start.await();
                    return tokens.text("Explain recursion in one sentence, please.");
                }));
            }
            start.countDown();
            for (Future<Long> count : counts) {
                assertThat(count.get()).isEqualTo(O200K.countTokensOrdinary("Explain recursion in one sentence, please."));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(vocabulary.calls).hasValue(1);
    }
}
