package dev.tollgate.edge.outbound;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The SSRF guard over real HTTP, against a server on 127.0.0.1: which URLs it refuses before sending anything, that
 * it connects to the address it checked, follows no redirect, bounds size and time, and never repeats what a server
 * sent in its errors.
 */
class OutboundHttpTest {

    private static final String SECRET = "internal-secret-7f3a9";

    private HttpServer server;
    private final CountDownLatch never = new CountDownLatch(1);
    private String base;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/table.json", exchange -> answer(exchange, 200, "{\"ok\":true}"));
        server.createContext("/secret", exchange -> answer(exchange, 500, SECRET));
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().set("Location", "http://169.254.169.254/latest/meta-data/");
            answer(exchange, 302, SECRET);
        });
        server.createContext("/huge", exchange -> answer(exchange, 200, "x".repeat(4096)));
        server.createContext("/huge-chunked", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked: no declared length to refuse early
            try (OutputStream body = exchange.getResponseBody()) {
                for (int i = 0; i < 64; i++) {
                    body.write("y".repeat(256).getBytes(StandardCharsets.UTF_8));
                }
            }
        });
        server.createContext("/slow", exchange -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "late");
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        never.countDown();
        server.stop(0);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String text)
            throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }

    private static OutboundHttp guard(Object... settings) {
        return new OutboundHttp(Config.bind(TollgateProperties.Outbound.class, settings), InetAddress::getAllByName);
    }

    private static OutboundException failureOf(OutboundHttp guard, String url) {
        return catchThrowableOfType(OutboundException.class,
                () -> guard.fetch(OutboundRequest.get(url)).map(OutboundAnswer::requireOk).block(Duration.ofSeconds(20)));
    }

    @Test
    void fetchesFromAHostTheConfigurationAllows() {
        OutboundAnswer answer = guard("allowed-hosts", "127.0.0.1").fetch(OutboundRequest.get(base + "/table.json"))
                .block(Duration.ofSeconds(10));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(new String(answer.requireOk(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:%d/table.json", "http://localhost:%d/table.json",
            "http://[::1]:%d/table.json", "http://[::ffff:127.0.0.1]:%d/table.json", "http://0.0.0.0:%d/x",
            "http://127.0.0.2:%d/table.json"})
    void refusesTheGatewaysOwnMachineUnlessItsHostIsAllowed(String pattern) {
        String url = pattern.formatted(server.getAddress().getPort());
        OutboundException refused = failureOf(guard(), url);
        assertThat(refused.kind()).as(url).isEqualTo(OutboundException.Kind.REFUSED);
        assertThat(refused.getMessage()).contains("tollgate.outbound.allowed-hosts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://192.168.1.1/",
            "http://172.16.0.1/", "http://100.64.0.1/", "http://[fd00::1]/", "http://[fe80::1]/", "http://224.0.0.1/"})
    void refusesPrivateLinkLocalAndMulticastAddresses(String url) {
        assertThat(failureOf(guard(), url).kind()).as(url).isEqualTo(OutboundException.Kind.REFUSED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://example.com/x", "gopher://127.0.0.1/", "jar:http://x/!/",
            "http://user:password@example.com/", "http://user@127.0.0.1/", "http://127.1/", "http://2130706433/",
            "http://0177.0.0.1/", "http:///nohost", "not a url", "//example.com/x", ""})
    void refusesUrlsThatAreNotPlainHttpToAHost(String url) {
        assertThat(failureOf(guard("allowed-hosts", "127.0.0.1"), url).kind()).as(url)
                .isEqualTo(OutboundException.Kind.REFUSED);
    }

    @Test
    void refusesAVeryLongUrlWithoutResolvingIt() {
        String url = "http://example.com/" + "a".repeat(OutboundHttp.MAX_URL_LENGTH);
        assertThat(failureOf(guard(), url).getMessage()).contains("longer than 2048");
    }

    @Test
    void allowsPrivateNetworksWhenConfiguredButStillNotLoopback() {
        OutboundHttp guard = guard("allow-private-networks", true);
        assertThat(guard.check("http://10.20.30.40/prices.json").address().getHostAddress()).isEqualTo("10.20.30.40");
        assertThatThrownBy(() -> guard.check("http://127.0.0.1/")).isInstanceOf(OutboundException.class);
        assertThatThrownBy(() -> guard.check("http://169.254.169.254/")).isInstanceOf(OutboundException.class);
    }

    @Test
    void connectsToTheAddressItCheckedWhateverDnsAnswersLater() {
        // The first answer is the server's address; a later one (a rebinding attacker's) would be 127.0.0.3.
        AtomicInteger lookups = new AtomicInteger();
        OutboundHttp guard = new OutboundHttp(Config.bind(TollgateProperties.Outbound.class,
                "allowed-hosts", "prices.test"), host -> {
            assertThat(host).isEqualTo("prices.test");
            return new InetAddress[]{InetAddress.getByName(lookups.getAndIncrement() == 0 ? "127.0.0.1" : "127.0.0.3")};
        });
        OutboundAnswer answer = guard.fetch(OutboundRequest.get("http://prices.test:" + server.getAddress().getPort()
                + "/table.json")).block(Duration.ofSeconds(10));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(lookups).as("the host is resolved once, by the check").hasValue(1);
    }

    @Test
    void refusesAHostWithAnyAddressThatIsNotPublic() {
        OutboundHttp guard = new OutboundHttp(Config.bind(TollgateProperties.Outbound.class),
                host -> new InetAddress[]{InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.7")});
        assertThat(failureOf(guard, "http://mixed.test/").getMessage()).contains("private-network address");
    }

    @Test
    void followsNoRedirectAndSaysSoWithoutTheBody() {
        OutboundHttp guard = guard("allowed-hosts", "127.0.0.1");
        OutboundAnswer answer = guard.fetch(OutboundRequest.get(base + "/moved")).block(Duration.ofSeconds(10));
        assertThat(answer.status()).isEqualTo(302);
        OutboundException failure = failureOf(guard, base + "/moved");
        assertThat(failure.getMessage()).isEqualTo("the server answered HTTP 302 (redirects are not followed)");
    }

    @Test
    void neverRepeatsWhatTheServerSentInItsErrors() {
        OutboundException failure = failureOf(guard("allowed-hosts", "127.0.0.1"), base + "/secret");
        assertThat(failure.getMessage()).isEqualTo("the server answered HTTP 500").doesNotContain(SECRET);
    }

    @Test
    void refusesAnAnswerLargerThanTheLimitWhetherDeclaredOrStreamed() {
        OutboundHttp guard = guard("allowed-hosts", "127.0.0.1", "max-response-size", "1KB");
        assertThat(failureOf(guard, base + "/huge").getMessage()).isEqualTo("the answer is larger than 1024 bytes");
        assertThat(failureOf(guard, base + "/huge-chunked").getMessage())
                .isEqualTo("the answer is larger than 1024 bytes");
        assertThat(guard.fetch(OutboundRequest.get(base + "/table.json")).block(Duration.ofSeconds(10)).status())
                .isEqualTo(200);
    }

    @Test
    void givesUpOnAServerThatDoesNotAnswerInTime() {
        long started = System.nanoTime();
        OutboundException failure = failureOf(guard("allowed-hosts", "127.0.0.1", "timeout", "1s"), base + "/slow");
        assertThat(failure.kind()).isEqualTo(OutboundException.Kind.FAILED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void saysSoWhenNothingListens() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        assertThat(failureOf(guard("allowed-hosts", "127.0.0.1"), "http://127.0.0.1:" + closedPort + "/").getMessage())
                .isEqualTo("the connection was refused");
    }

    @Test
    void sendsABodyWithAPost() {
        AtomicInteger received = new AtomicInteger();
        server.createContext("/hook", exchange -> {
            received.set(exchange.getRequestBody().readAllBytes().length);
            answer(exchange, 204, "");
        });
        OutboundAnswer answer = guard("allowed-hosts", "127.0.0.1").fetch(OutboundRequest.post(base + "/hook",
                        "application/json", "{\"event\":\"x\"}".getBytes(StandardCharsets.UTF_8))
                .withHeader("X-Signature", "s")).block(Duration.ofSeconds(10));
        assertThat(answer.status()).isEqualTo(204);
        assertThat(received).hasValue(13);
    }

    @Test
    void listsNoHostsByDefault() {
        assertThat(Config.bind(TollgateProperties.Outbound.class).allowedHosts()).isEqualTo(List.of());
    }
}
