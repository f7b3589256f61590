package dev.tollgate.edge.config;

import dev.tollgate.api.key.KeyRevoked;
import dev.tollgate.api.spend.ExpireReservations;
import org.axonframework.serialization.AnnotationRevisionResolver;
import org.axonframework.serialization.RevisionResolver;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CachedRevisionResolverTest {

    @Test
    void answersAsItsDelegateAskingItOncePerClass() {
        AtomicInteger asked = new AtomicInteger();
        AnnotationRevisionResolver annotations = new AnnotationRevisionResolver();
        RevisionResolver counting = type -> {
            asked.incrementAndGet();
            return annotations.revisionOf(type);
        };
        CachedRevisionResolver cached = new CachedRevisionResolver(counting);

        for (int i = 0; i < 3; i++) {
            assertThat(cached.revisionOf(KeyRevoked.class)).isEqualTo("1");
            assertThat(cached.revisionOf(ExpireReservations.class)).isNull();
        }
        assertThat(asked).hasValue(2);
    }

    @Test
    void theEventSerializerWritesTheRevisionsOfTheAnnotations() {
        assertThat(AxonConfiguration.jackson().typeForClass(KeyRevoked.class).getRevision()).isEqualTo("1");
        assertThat(AxonConfiguration.jackson().typeForClass(ExpireReservations.class).getRevision()).isNull();
    }
}
