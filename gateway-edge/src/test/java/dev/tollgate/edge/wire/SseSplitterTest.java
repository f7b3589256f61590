package dev.tollgate.edge.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The splitter as the SSE specification reads a stream, however its chunks are cut. */
class SseSplitterTest {

    @Test
    void everyBlankLineEndsAnEventWhereverTheChunksAreCut() {
        for (String blank : List.of("\n\n", "\r\r", "\r\n\r\n", "\n\r\n", "\r\n\n", "\n\r", "\r\n\r")) {
            String stream = "data: a" + blank + "event: x\ndata: b" + blank + "data: c" + blank;
            String shown = blank.replace("\r", "CR").replace("\n", "LF");
            for (int cut = 0; cut <= stream.length(); cut++) {
                for (int second = cut; second <= stream.length(); second++) {
                    SseSplitter splitter = new SseSplitter();
                    List<String> events = new ArrayList<>();
                    feed(splitter, stream.substring(0, cut), events);
                    feed(splitter, stream.substring(cut, second), events);
                    feed(splitter, stream.substring(second), events);
                    byte[] rest = splitter.end(); // (an event ended by a CR at the very end waits for its LF)
                    if (rest != null) {
                        events.add(new String(rest, StandardCharsets.UTF_8));
                    }
                    assertThat(events).as(shown + " cut at " + cut + ", " + second).hasSize(3);
                    // byte for byte, wherever the cuts are
                    assertThat(String.join("", events)).as(shown + " cut at " + cut + ", " + second)
                            .isEqualTo(stream);
                }
            }
        }
    }

    @Test
    void aLineEndIsNotABlankLine() {
        SseSplitter splitter = new SseSplitter();
        assertThat(splitter.feed(bytes("data: a\r\ndata: b\ndata: c\r"))).isEmpty();
        assertThat(splitter.feed(bytes("\n"))).isEmpty(); // the CR's LF: one line end, still no blank line
        assertThat(splitter.feed(bytes("\n"))).hasSize(1);
    }

    @Test
    void theRestOfAStreamIsItsLastEventEndedByABlankLine() {
        SseSplitter splitter = new SseSplitter();
        assertThat(splitter.feed(bytes("data: a\n\ndata: [DONE]"))).hasSize(1);
        assertThat(new String(splitter.end(), StandardCharsets.UTF_8)).isEqualTo("data: [DONE]\n\n");
        SseSplitter crs = new SseSplitter();
        crs.feed(bytes("data: b\r"));
        assertThat(new String(crs.end(), StandardCharsets.UTF_8)).isEqualTo("data: b\r\r");
    }

    @Test
    void anEventPastTheCapFails() {
        SseSplitter splitter = new SseSplitter();
        byte[] chunk = new byte[1024 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        assertThatThrownBy(() -> {
            for (int i = 0; i <= SseSplitter.MAX_EVENT_BYTES / chunk.length; i++) {
                splitter.feed(chunk);
            }
        }).isInstanceOf(SseSplitter.EventTooLarge.class);
    }

    private static void feed(SseSplitter splitter, String text, List<String> events) {
        for (byte[] event : splitter.feed(bytes(text))) {
            events.add(new String(event, StandardCharsets.UTF_8));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
