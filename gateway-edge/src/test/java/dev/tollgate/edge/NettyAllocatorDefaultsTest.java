package dev.tollgate.edge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The application's own default for Netty's chunk size, and the operator's value winning over it. */
class NettyAllocatorDefaultsTest {

    private final String before = System.getProperty(TollgateApplication.NETTY_MAX_ORDER);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(TollgateApplication.NETTY_MAX_ORDER);
        } else {
            System.setProperty(TollgateApplication.NETTY_MAX_ORDER, before);
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
}
