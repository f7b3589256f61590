package dev.tollgate.edge.config;

import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.MultiEventHandlerInvoker;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadTypeFilteringInvokerTest {

    record Handled(String id) {
    }

    record Ignored(String id) {
    }

    static class Handler {
        final List<String> seen = new ArrayList<>();

        @EventHandler
        void on(Handled event) {
            seen.add(event.id());
        }
    }

    @DisallowReplay
    static class LiveOnlyHandler {
        final List<String> seen = new ArrayList<>();

        @EventHandler
        void on(Handled event) {
            seen.add(event.id());
        }
    }

    /** Axon's invoker, counting how often it is asked about a payload type and about resets. */
    static final class Counting implements EventHandlerInvoker {
        final SimpleEventHandlerInvoker axon;
        final AtomicInteger typeQuestions = new AtomicInteger();
        final AtomicInteger resetQuestions = new AtomicInteger();

        Counting(Object handler) {
            axon = SimpleEventHandlerInvoker.builder().eventHandlers(handler).build();
        }

        @Override
        public boolean canHandle(EventMessage<?> eventMessage, Segment segment) {
            return axon.canHandle(eventMessage, segment);
        }

        @Override
        public boolean canHandleType(Class<?> payloadType) {
            typeQuestions.incrementAndGet();
            return axon.canHandleType(payloadType);
        }

        @Override
        public void handle(EventMessage<?> message, Segment segment) throws Exception {
            axon.handle(message, segment);
        }

        @Override
        public boolean supportsReset() {
            resetQuestions.incrementAndGet();
            return axon.supportsReset();
        }
    }

    @Test
    void refusesEventsOfAPayloadTypeNoHandlerTakesAskingTheHandlersOnce() {
        Counting handlers = new Counting(new Handler());
        PayloadTypeFilteringInvoker invoker = new PayloadTypeFilteringInvoker(handlers);

        for (int i = 0; i < 100; i++) {
            assertThat(invoker.canHandle(GenericEventMessage.asEventMessage(new Ignored("r" + i)), Segment.ROOT_SEGMENT))
                    .isFalse();
        }

        assertThat(invoker.canHandleType(Ignored.class)).isFalse();
        assertThat(handlers.typeQuestions).hasValue(1);
    }

    @Test
    void leavesEventsOfAHandledTypeToTheHandlersAndTheirSegments() throws Exception {
        Handler handler = new Handler();
        PayloadTypeFilteringInvoker invoker = new PayloadTypeFilteringInvoker(new Counting(handler));
        EventMessage<Handled> event = GenericEventMessage.asEventMessage(new Handled("r1"));
        Segment[] halves = Segment.ROOT_SEGMENT.split();

        assertThat(invoker.canHandle(event, Segment.ROOT_SEGMENT)).isTrue();
        // the default sequencing policy puts an event in exactly one of two segments
        assertThat(invoker.canHandle(event, halves[0]) ^ invoker.canHandle(event, halves[1])).isTrue();

        invoker.handle(event, Segment.ROOT_SEGMENT);
        assertThat(handler.seen).containsExactly("r1");
    }

    @Test
    void asksEachHandlerClassOnceWhetherItTakesReplays() throws Exception {
        Handler handler = new Handler();
        Counting handlers = new Counting(handler);
        PayloadTypeFilteringInvoker invoker = new PayloadTypeFilteringInvoker(new MultiEventHandlerInvoker(handlers));

        for (int i = 0; i < 100; i++) {
            EventMessage<Handled> event = GenericEventMessage.asEventMessage(new Handled("r" + i));
            assertThat(invoker.canHandle(event, Segment.ROOT_SEGMENT)).isTrue();
            invoker.handle(event, Segment.ROOT_SEGMENT);
        }

        assertThat(handler.seen).hasSize(100);
        assertThat(handlers.resetQuestions).hasValue(1);
        assertThat(invoker.supportsReset()).isTrue();
    }

    @Test
    void keepsAReplayedEventFromHandlersThatDisallowReplay() throws Exception {
        Handler replaying = new Handler();
        LiveOnlyHandler liveOnly = new LiveOnlyHandler();
        PayloadTypeFilteringInvoker invoker = new PayloadTypeFilteringInvoker(new MultiEventHandlerInvoker(
                new Counting(liveOnly), new Counting(replaying)));
        EventMessage<Handled> live = new GenericTrackedEventMessage<>(
                new GlobalSequenceTrackingToken(11), GenericEventMessage.asEventMessage(new Handled("live")));
        EventMessage<Handled> replayed = new GenericTrackedEventMessage<>(
                ReplayToken.createReplayToken(new GlobalSequenceTrackingToken(10), new GlobalSequenceTrackingToken(1)),
                GenericEventMessage.asEventMessage(new Handled("replayed")));

        assertThat(invoker.canHandle(live, Segment.ROOT_SEGMENT)).isTrue();
        assertThat(invoker.canHandle(replayed, Segment.ROOT_SEGMENT)).isTrue();
        PayloadTypeFilteringInvoker liveOnlyInvoker = new PayloadTypeFilteringInvoker(new MultiEventHandlerInvoker(
                new Counting(new LiveOnlyHandler()), new Counting(new LiveOnlyHandler())));
        assertThat(liveOnlyInvoker.canHandle(live, Segment.ROOT_SEGMENT)).isTrue();
        assertThat(liveOnlyInvoker.canHandle(replayed, Segment.ROOT_SEGMENT)).isFalse();
        invoker.handle(live, Segment.ROOT_SEGMENT);
        invoker.handle(replayed, Segment.ROOT_SEGMENT);

        assertThat(liveOnly.seen).containsExactly("live");
        assertThat(replaying.seen).containsExactly("live", "replayed");
        assertThat(new PayloadTypeFilteringInvoker(new MultiEventHandlerInvoker(new Counting(liveOnly))).supportsReset())
                .isFalse();
    }
}
