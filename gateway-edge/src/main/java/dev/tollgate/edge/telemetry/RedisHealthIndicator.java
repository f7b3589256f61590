package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.config.TollgateProperties;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@code redis} in {@code /actuator/health} and the readiness group, only when Redis is configured
 * ({@code tollgate.redis.url}, e.g. {@code redis://:password@redis:6379}); without it there is no such contributor.
 * It speaks just enough of Redis's protocol to send {@code AUTH} and {@code PING} on a socket of its own, so it
 * checks the server whatever client the routing uses. (Named {@code redisHealthIndicator}, so that Spring Boot's own
 * Redis indicator steps aside should Spring Data Redis ever be on the classpath.)
 */
@Component("redisHealthIndicator")
@ConditionalOnProperty(prefix = "tollgate.redis", name = "url")
public class RedisHealthIndicator implements HealthIndicator {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final URI url;

    public RedisHealthIndicator(TollgateProperties properties) {
        this.url = URI.create(properties.redis().url().trim());
    }

    @Override
    public Health health() {
        String where = url.getHost() + ":" + port();
        long started = System.nanoTime();
        try (Socket socket = socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), port()), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String userInfo = url.getRawUserInfo();
            if (userInfo != null && !userInfo.isEmpty()) {
                int colon = userInfo.indexOf(':');
                String user = colon < 0 ? "" : URLDecoder.decode(userInfo.substring(0, colon), StandardCharsets.UTF_8);
                String password = URLDecoder.decode(colon < 0 ? userInfo : userInfo.substring(colon + 1),
                        StandardCharsets.UTF_8);
                String reply = user.isEmpty() ? command(out, in, "AUTH", password)
                        : command(out, in, "AUTH", user, password);
                if (!reply.startsWith("+OK")) {
                    return Health.down().withDetail("address", where).withDetail("error", reply).build();
                }
            }
            String pong = command(out, in, "PING");
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            return pong.startsWith("+PONG")
                    ? Health.up().withDetail("address", where).withDetail("pingMillis", millis).build()
                    : Health.down().withDetail("address", where).withDetail("error", pong).build();
        } catch (IOException e) {
            return Health.down().withDetail("address", where).withDetail("error", e.toString()).build();
        }
    }

    private int port() {
        return url.getPort() == -1 ? 6379 : url.getPort();
    }

    private Socket socket() throws IOException {
        return "rediss".equalsIgnoreCase(url.getScheme()) ? SSLSocketFactory.getDefault().createSocket() : new Socket();
    }

    /** Sends one command as a RESP array and reads one reply line. */
    static String command(OutputStream out, InputStream in, String... parts) throws IOException {
        StringBuilder request = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            request.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
