package dev.tollgate.edge.wire;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An event's fields as the SSE specification reads them, whichever line ends it uses. */
class SseFieldsTest {

    @Test
    void joinsDataLinesAndKeepsOtherLinesWhateverEndsTheLines() {
        for (String end : List.of("\n", "\r", "\r\n")) {
            SseFields fields = SseFields.of("event: delta" + end + "data: {\"a\":" + end + "data:1}" + end
                    + ": a comment" + end + end);

            assertThat(fields.data()).isEqualTo("{\"a\":\n1}");
            assertThat(fields.otherLines()).isEqualTo("event: delta\n: a comment\n");
        }
    }

    @Test
    void anEventWithoutDataHasNone() {
        SseFields keepAlive = SseFields.of(": keep-alive\n\n");

        assertThat(keepAlive.data()).isNull();
        assertThat(keepAlive.otherLines()).isEqualTo(": keep-alive\n");
        assertThat(SseFields.of("data: [DONE]\n\n").otherLines()).isNull();
    }
}
