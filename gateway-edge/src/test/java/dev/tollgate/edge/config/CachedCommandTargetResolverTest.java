package dev.tollgate.edge.config;

import dev.tollgate.api.spend.ExpireReservations;
import dev.tollgate.api.spend.RecordSpendBatch;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cached resolver resolves what Axon's resolver resolves, and refuses what it refuses, with the same message. */
class CachedCommandTargetResolverTest {

    private final CommandTargetResolver cached = new CachedCommandTargetResolver();
    private final CommandTargetResolver axon = AnnotationCommandTargetResolver.builder().build();

    record Versioned(@TargetAggregateIdentifier String id, @TargetAggregateVersion Long version) {
    }

    static final class WithFields {
        @TargetAggregateIdentifier
        private final String id = "field-id";
        @TargetAggregateVersion
        private final String version = "7";
    }

    record Untargeted(String id) {
    }

    record NullTarget(@TargetAggregateIdentifier String id) {
    }

    record TextVersion(@TargetAggregateIdentifier String id, @TargetAggregateVersion String version) {
    }

    @Test
    void resolvesTheTargetsAxonResolves() {
        for (Object command : List.of(new ExpireReservations("team-a"), new RecordSpendBatch("team-b", List.of()),
                new Versioned("v", 3L), new Versioned("v", null), new WithFields())) {
            for (int i = 0; i < 2; i++) { // the second time from the cache
                VersionedAggregateIdentifier resolved = cached.resolveTarget(GenericCommandMessage.asCommandMessage(command));
                VersionedAggregateIdentifier expected = axon.resolveTarget(GenericCommandMessage.asCommandMessage(command));
                assertThat(resolved.getIdentifier()).isEqualTo(expected.getIdentifier());
                assertThat(resolved.getVersion()).isEqualTo(expected.getVersion());
            }
        }
        assertThat(cached.resolveTarget(GenericCommandMessage.asCommandMessage(new WithFields())).getVersion())
                .isEqualTo(7L);
    }

    @Test
    void refusesWhatAxonRefuses() {
        for (Object command : List.of(new Untargeted("x"), new NullTarget(null), new TextVersion("t", "seven"))) {
            Throwable expected = catchOf(() -> axon.resolveTarget(GenericCommandMessage.asCommandMessage(command)));
            assertThat(expected).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cached.resolveTarget(GenericCommandMessage.asCommandMessage(command)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(expected.getMessage());
        }
    }

    private static Throwable catchOf(Runnable action) {
        try {
            action.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
