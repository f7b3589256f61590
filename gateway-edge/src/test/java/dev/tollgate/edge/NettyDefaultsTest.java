package dev.tollgate.edge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The application's own defaults for Netty (chunk size, event loops), and the operator's values winning over them. */
class NettyDefaultsTest {

    private final String maxOrderBefore = System.getProperty(TollgateApplication.NETTY_MAX_ORDER);
    private final String eventLoopsBefore = System.getProperty(TollgateApplication.EVENT_LOOPS);

    @AfterEach
    void restore() {
        restore(TollgateApplication.NETTY_MAX_ORDER, maxOrderBefore);
        restore(TollgateApplication.EVENT_LOOPS, eventLoopsBefore);
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    @Test
    void chunksOfOneMebibyteUnlessTheOperatorSaysOtherwise() {
        System.clearProperty(TollgateApplication.NETTY_MAX_ORDER);
        TollgateApplication.nettyAllocatorDefaults();
        assertThat(System.getProperty(TollgateApplication.NETTY_MAX_ORDER)).isEqualTo("7");

        System.setProperty(TollgateApplication.NETTY_MAX_ORDER, "9");
        TollgateApplication.nettyAllocatorDefaults();
        assertThat(System.getProperty(TollgateApplication.NETTY_MAX_ORDER)).isEqualTo("9");
    }

    @Test
    void oneEventLoopPerCpuUnlessTheOperatorSaysOtherwise() {
        System.clearProperty(TollgateApplication.EVENT_LOOPS);
        TollgateApplication.eventLoopDefaults();
        assertThat(System.getProperty(TollgateApplication.EVENT_LOOPS))
                .isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));

        System.setProperty(TollgateApplication.EVENT_LOOPS, "6");
        TollgateApplication.eventLoopDefaults();
        assertThat(System.getProperty(TollgateApplication.EVENT_LOOPS)).isEqualTo("6");
    }
}
