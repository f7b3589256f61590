package dev.tollgate.edge.wire;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A too-large answer was generated upstream, so it is always one the upstream may bill (charged, never released). */
class UpstreamFailureTest {

    @Test
    void refusesATooLargeAnswerThatCouldNotHaveBeenBilled() {
        assertThatThrownBy(() -> new UpstreamFailure(UpstreamFailure.Kind.TOO_LARGE, 0, null, null, "big", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new UpstreamFailure(UpstreamFailure.Kind.TOO_LARGE, 0, null, null, "big", null, true).mayBill())
                .isTrue();
    }
}
