package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Config;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redis contributor against a loopback server that speaks the few lines of RESP it needs. */
class RedisHealthIndicatorTest {

    /** Answers AUTH with +OK when the password is right, PING with +PONG; records the commands. */
    static final class FakeRedis implements AutoCloseable {
        final ServerSocket server;
        final List<String> commands = new CopyOnWriteArrayList<>();

        FakeRedis(String password) throws Exception {
            server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                                StandardCharsets.UTF_8));
                        OutputStream out = socket.getOutputStream();
                        String header;
                        while ((header = in.readLine()) != null) {
                            int parts = Integer.parseInt(header.substring(1));
                            StringBuilder command = new StringBuilder();
                            for (int i = 0; i < parts; i++) {
                                in.readLine();
                                command.append(i == 0 ? "" : " ").append(in.readLine());
                            }
                            commands.add(command.toString());
                            String reply = command.toString().equals("PING") ? "+PONG"
                                    : command.toString().equals("AUTH " + password) ? "+OK"
                                    : "-WRONGPASS invalid username-password pair";
                            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                    } catch (Exception e) {
                        // the next connection
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    @Test
    void aRedisThatAnswersPingIsUp() throws Exception {
        try (FakeRedis redis = new FakeRedis("secret")) {
            Health health = new RedisHealthIndicator(withRedisUrl("redis://:secret@127.0.0.1:" + redis.port())).health();

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(redis.commands).containsExactly("AUTH secret", "PING");
            assertThat(health.getDetails()).doesNotContainValue("secret");
        }
    }

    @Test
    void aWrongPasswordIsDown() throws Exception {
        try (FakeRedis redis = new FakeRedis("secret")) {
            Health health = new RedisHealthIndicator(withRedisUrl("redis://:wrong@127.0.0.1:" + redis.port())).health();

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("error").toString()).contains("WRONGPASS");
        }
    }

    @Test
    void anUnreachableRedisIsDown() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        assertThat(new RedisHealthIndicator(withRedisUrl("redis://127.0.0.1:" + port)).health().getStatus())
                .isEqualTo(Status.DOWN);
    }

    private static TollgateProperties withRedisUrl(String url) {
        return Config.tollgate("redis.url", url);
    }
}
