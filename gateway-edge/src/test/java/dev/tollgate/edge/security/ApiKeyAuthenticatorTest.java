package dev.tollgate.edge.security;

import dev.tollgate.edge.support.Config;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.KeyRecord;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import reactor.core.Disposable;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyAuthenticatorTest {

    /**
     * A request that goes away while its key is looked up (its client left, or its body was refused as too large
     * while the lookup ran) must not cancel the lookup the other requests with that key are waiting for: they would
     * fail with a 500 (the cache shares one lookup per key).
     */
    @Test
    void aRequestThatGoesAwayWhileItsKeyIsLookedUpDoesNotFailTheOthersWaitingForIt() throws Exception {
        KeyRecord key = new KeyRecord("k1", "cs", "ann", Set.of(), null, null, null, null, Map.of());
        CountDownLatch lookedUp = new CountDownLatch(1);
        DirectoryQueries directory = Mockito.mock(DirectoryQueries.class);
        Mockito.when(directory.keyByHash(Mockito.anyString())).thenAnswer(invocation -> {
            lookedUp.await(10, TimeUnit.SECONDS);
            return Optional.of(key);
        });
        ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(directory, Config.tollgate());

        Disposable leaving = authenticator.authenticate("tg-secret").subscribe(found -> { }, failed -> { });
        CompletableFuture<KeyRecord> waiting = authenticator.authenticate("tg-secret").toFuture();
        leaving.dispose();
        lookedUp.countDown();

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(key);
        Mockito.verify(directory, Mockito.times(1)).keyByHash(Mockito.anyString());
    }
}
