package dev.tollgate.edge.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RawHttp;
import dev.tollgate.edge.support.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed authentication is throttled per client address (here: 5 failures, then one a minute): past it, that
 * address gets OpenAI-shaped 429s with Retry-After, while other addresses, their valid keys included, are served as
 * before, and so are keys the node already holds as live, from any address. The addresses are loopback ones (127.0.0.1, .2, .3): the server sees three clients.
 */
class FailedAuthThrottleTest {

    static final String MASTER = "throttle-master-key-0123456789";
    static final String WRONG = "tg-wrong-0000000000000000000000000000000";
    static final String CHAT = "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    static Path dataDir;

    static RunningGateway gateway;
    static String validKey;
    /** A valid key no request uses before the throttle test: this node has never looked it up. */
    static String unusedKey;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dataDir, "tollgate.master-key=" + MASTER,
                "tollgate.security.failed-auth.burst=5", "tollgate.security.failed-auth.refill-every=1m");
        Http http = gateway.http();
        assertThat(http.post("/admin/teams", MASTER, Map.of("id", "lab", "budget",
                Map.of("limit", "100", "period", "monthly"))).status()).isEqualTo(201);
        assertThat(http.post("/admin/users", MASTER, Map.of("id", "ada", "team_id", "lab")).status()).isEqualTo(201);
        validKey = http.post("/admin/keys", MASTER, Map.of("user_id", "ada")).json().path("key").asText();
        assertThat(validKey).startsWith("tg-");
        unusedKey = http.post("/admin/keys", MASTER, Map.of("user_id", "ada")).json().path("key").asText();
        assertThat(unusedKey).startsWith("tg-");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static RawHttp from(String address) {
        try {
            return new RawHttp("127.0.0.1", URI.create(gateway.baseUrl()).getPort(), InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pastItsBurstAnAddressGetsA429WithRetryAfterAndOthersAreNotAffected() {
        RawHttp guesser = from("127.0.0.2");
        for (int i = 0; i < 5; i++) {
            assertThat(guesser.send("GET", "/v1/models", WRONG + i, null).status()).isEqualTo(401);
        }
        for (String[] request : List.<String[]>of(new String[]{"GET", "/v1/models", WRONG},
                new String[]{"POST", "/v1/chat/completions", WRONG}, new String[]{"GET", "/admin/teams", WRONG},
                new String[]{"GET", "/admin/teams", null}, new String[]{"GET", "/v1/models", unusedKey})) {
            RawHttp.Response throttled = guesser.send(request[0], request[1], request[2],
                    request[0].equals("POST") ? CHAT : null);
            assertThat(throttled.status()).as(request[1]).isEqualTo(429);
            JsonNode error = throttled.jsonOrNull().path("error");
            assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
            assertThat(error.path("code").asText()).isEqualTo("too_many_failed_authentications");
            assertThat(error.has("param")).isTrue();
            long retryAfter = Long.parseLong(throttled.headers().get("retry-after"));
            assertThat(retryAfter).isBetween(1L, 60L);
        }
        // a route that needs no credential is still served to that address
        assertThat(guesser.send("GET", "/actuator/health", null, null).status()).isEqualTo(200);

        // another address: its valid key is served, its own failures are counted for itself
        RawHttp other = from("127.0.0.1");
        assertThat(other.send("GET", "/v1/models", validKey, null).status()).isEqualTo(200);
        assertThat(other.send("POST", "/v1/chat/completions", validKey, CHAT).status()).isEqualTo(200);
        assertThat(other.send("GET", "/v1/models", WRONG, null).status()).isEqualTo(401);
        assertThat(other.send("GET", "/admin/teams", MASTER, null).status()).isEqualTo(200);

        // the guesser's address may be a campus NAT: a key accepted here lately is not a guess and is served from
        // it too (checked as usual), while what is unknown or failed stays throttled
        RawHttp.Response known = guesser.send("POST", "/v1/chat/completions", validKey, CHAT);
        assertThat(known.status()).as(known.body()).isEqualTo(200);
        assertThat(guesser.send("GET", "/v1/models", WRONG, null).status()).isEqualTo(429);
        JsonNode issued = gateway.http().post("/admin/keys", MASTER, Map.of("user_id", "ada")).json();
        String revoked = issued.path("key").asText();
        assertThat(other.send("GET", "/v1/models", revoked, null).status()).isEqualTo(200);
        assertThat(gateway.http().delete("/admin/keys/" + issued.path("id").asText() + "?reason=left", MASTER)
                .status()).isEqualTo(200);
        assertThat(guesser.send("GET", "/v1/models", revoked, null).status()).as("revoked: a guess again")
                .isEqualTo(429);
    }

    @Test
    void aFloodOfWrongKeysFromOneAddressDoesNotThrottleAnother() throws Exception {
        AtomicBoolean flooding = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<int[]>> floods = new ArrayList<>();
        try {
            for (int t = 0; t < 3; t++) {
                int thread = t;
                floods.add(pool.submit(() -> {
                    RawHttp flooder = from("127.0.0.3");
                    int[] statuses = new int[600];
                    for (int i = 0; i < 200; i++) {
                        statuses[flooder.send("GET", "/v1/models", WRONG + thread + "-" + i, null).status()]++;
                    }
                    return statuses;
                }));
            }
            RawHttp valid = from("127.0.0.1");
            int served = 0;
            while (floods.stream().anyMatch(f -> !f.isDone()) || served < 20) {
                RawHttp.Response response = valid.send("GET", "/v1/models", validKey, null);
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                served++;
            }
            int throttled = 0;
            int refused = 0;
            for (Future<int[]> flood : floods) {
                int[] statuses = flood.get(60, TimeUnit.SECONDS);
                throttled += statuses[429];
                refused += statuses[401];
            }
            assertThat(refused + throttled).isEqualTo(600);
            assertThat(refused).as("only the burst is looked up").isLessThanOrEqualTo(5 + 3);
            assertThat(throttled).isGreaterThanOrEqualTo(590);
            assertThat(served).isGreaterThanOrEqualTo(20);
        } finally {
            flooding.set(false);
            pool.shutdownNow();
        }
    }

    @Test
    void theBucketRefillsOneFailureEveryInterval() {
        FailedAuthThrottle.Bucket bucket = new FailedAuthThrottle.Bucket(2, 1_000, 0);
        assertThat(bucket.waitNanos(0)).isZero();
        bucket.take(0);
        bucket.take(0);
        assertThat(bucket.waitNanos(0)).isEqualTo(1_000);
        assertThat(bucket.waitNanos(400)).isEqualTo(600);
        assertThat(bucket.waitNanos(1_000)).isZero();
        for (int i = 0; i < 100; i++) {
            bucket.take(1_000); // hammering past empty does not push the wait further than one more interval
        }
        assertThat(bucket.waitNanos(1_000)).isEqualTo(2_000);
        assertThat(bucket.waitNanos(1_000_000)).isZero();
    }
}
