package dev.tollgate.edge.outbound;

import dev.tollgate.edge.config.TollgateProperties;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The SSRF guard: the one way Tollgate fetches a URL that an admin chose (LiteLLM's price table today; price sources
 * and webhooks use it too). Every fetch
 * <ul>
 *   <li>is {@code http} or {@code https}, without user info in the URL, at most {@value #MAX_URL_LENGTH}
 *   characters;</li>
 *   <li>goes to a host whose every address is public ({@link AddressPolicy}), unless the host is named in
 *   {@code tollgate.outbound.allowed-hosts} (or the address is in a private network and
 *   {@code tollgate.outbound.allow-private-networks} is on);</li>
 *   <li>connects to the very address that was checked: the host is resolved once, and the connection uses that
 *   address ({@link PinnedResolver}), then checks it again on the open connection;</li>
 *   <li>follows no redirect (a 3xx is an answer like any other), reads at most
 *   {@code tollgate.outbound.max-response-size}, and ends within {@code tollgate.outbound.timeout}.</li>
 * </ul>
 * Failures are {@link OutboundException}s whose messages never carry what the server sent.
 * <pre>{@code
 * outbound.fetch(OutboundRequest.get(url)).map(OutboundAnswer::requireOk)                     // a document
 * outbound.fetch(OutboundRequest.post(url, "application/json", body).withHeader("X-Sig", sig)) // a webhook
 * }</pre>
 */
@Component
public class OutboundHttp {

    /** The longest URL Tollgate fetches. */
    public static final int MAX_URL_LENGTH = 2048;

    private static final Logger log = LoggerFactory.getLogger(OutboundHttp.class);
    private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
    private static final Set<String> SCHEMES = Set.of("http", "https");

    /** Resolves a host name to its addresses: the system's resolver, or a test's. */
    interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A URL that passed the check, and the one address its connection will use. */
    public record Target(URI uri, String host, InetAddress address) {
    }

    private final Set<String> allowedHosts;
    private final AddressPolicy policy;
    private final long maxResponseBytes;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final HostResolver resolver;

    @Autowired
    public OutboundHttp(TollgateProperties properties) {
        this(properties.outbound(), InetAddress::getAllByName);
    }

    OutboundHttp(TollgateProperties.Outbound settings, HostResolver resolver) {
        this.allowedHosts = settings.allowedHosts().stream().map(OutboundHttp::normalise).collect(Collectors.toSet());
        this.policy = new AddressPolicy(settings.allowPrivateNetworks());
        this.maxResponseBytes = settings.maxResponseSize().toBytes();
        this.connectTimeout = settings.connectTimeout();
        this.timeout = settings.timeout();
        this.resolver = resolver;
    }

    /** Sends the request if its URL passes the check; the answer, or an {@link OutboundException}. */
    public Mono<OutboundAnswer> fetch(OutboundRequest request) {
        return Mono.fromCallable(() -> check(request.url()))
                .subscribeOn(Schedulers.boundedElastic()) // name resolution blocks
                .flatMap(target -> exchange(target, request))
                .timeout(timeout, Mono.error(() -> OutboundException.failed("no complete answer within "
                        + timeout.toSeconds() + " s")))
                .onErrorMap(failure -> !(failure instanceof OutboundException), OutboundHttp::describe);
    }

    /**
     * Checks a URL without fetching it (for instance when an admin registers it): the {@link Target} it would
     * connect to, or an {@link OutboundException}. Resolves the host name, so it blocks.
     */
    public Target check(String url) {
        if (url == null || url.isBlank()) {
            throw OutboundException.refused("no URL was given");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw OutboundException.refused("the URL is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw OutboundException.refused("it is not a valid URL");
        }
        if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw OutboundException.refused("only http and https URLs are fetched");
        }
        if (uri.getRawUserInfo() != null) {
            throw OutboundException.refused("a URL with user info (user@host) is not fetched");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw OutboundException.refused("the URL names no host");
        }
        String host = normalise(uri.getHost());
        if (DIGITS_AND_DOTS.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
            // 127.1, 0x7f.0.0.1, 2130706433: spellings that resolvers read differently
            throw OutboundException.refused("an IPv4 address is written as four decimal numbers (a.b.c.d)");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw OutboundException.failed("the host name does not resolve");
        }
        if (addresses.length == 0) {
            throw OutboundException.failed("the host name does not resolve");
        }
        if (!allowedHosts.contains(host)) {
            for (InetAddress address : addresses) {
                AddressPolicy.Refusal refusal = policy.refusalOf(address);
                if (refusal != null) {
                    log.info("Refused an outbound fetch: {} resolves to {} ({})", host, address.getHostAddress(),
                            refusal);
                    throw OutboundException.refused("the host resolves to " + refusal.description()
                            + ", which Tollgate does not fetch from unless tollgate.outbound.allowed-hosts names it");
                }
            }
        }
        return new Target(uri, host, addresses[0]);
    }

    private Mono<OutboundAnswer> exchange(Target target, OutboundRequest request) {
        PinnedResolver pinned = new PinnedResolver(target.host(), target.address());
        HttpClient client = HttpClient.create(ConnectionProvider.newConnection())
                .resolver(pinned)
                .followRedirect(false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .responseTimeout(timeout)
                .doOnConnected(connection -> {
                    if (!(connection.channel().remoteAddress() instanceof InetSocketAddress remote)
                            || !target.address().equals(remote.getAddress())) {
                        throw OutboundException.refused("the connection did not reach the checked address");
                    }
                })
                .headers(headers -> request.headers().forEach(headers::set));
        HttpClient.RequestSender sender = client.request(HttpMethod.valueOf(request.method())).uri(target.uri());
        HttpClient.ResponseReceiver<?> receiver = request.body() == null ? sender
                : sender.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(request.body())));
        return receiver.response((response, content) -> {
                    long declared = response.responseHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
                    if (declared > maxResponseBytes) {
                        return Mono.error(tooLarge());
                    }
                    HttpHeaders headers = new HttpHeaders();
                    response.responseHeaders().forEach(header -> headers.add(header.getKey(), header.getValue()));
                    return content.asByteArray()
                            .collect(() -> new BoundedBody(maxResponseBytes), BoundedBody::add)
                            .map(body -> new OutboundAnswer(response.status().code(),
                                    HttpHeaders.readOnlyHttpHeaders(headers), body.bytes()));
                })
                .next()
                .doFinally(signal -> pinned.close());
    }

    private OutboundException tooLarge() {
        return OutboundException.failed("the answer is larger than " + maxResponseBytes + " bytes");
    }

    /** A failure in words that say what happened, never its internal text. */
    private static OutboundException describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String words = wordsFor(cause);
            if (words != null) {
                return cause instanceof OutboundException outbound ? outbound : OutboundException.failed(words);
            }
        }
        log.info("Outbound fetch failed", failure);
        return OutboundException.failed("the fetch failed");
    }

    private static String wordsFor(Throwable cause) {
        if (cause instanceof OutboundException) {
            return cause.getMessage();
        }
        if (cause instanceof ConnectTimeoutException) {
            return "no connection could be made in time";
        }
        if (cause instanceof ConnectException) {
            return "the connection was refused";
        }
        if (cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException) {
            return "the server did not answer in time";
        }
        if (cause instanceof UnknownHostException) {
            return "the host name does not resolve";
        }
        if (cause instanceof SSLException) {
            return "the TLS handshake failed (certificate or protocol)";
        }
        if (cause instanceof PrematureCloseException) {
            return "the server closed the connection before answering";
        }
        if (cause instanceof TooLongFrameException) {
            return "the server's answer has headers larger than Tollgate reads";
        }
        return null;
    }

    private static String normalise(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.toLowerCase(Locale.ROOT);
    }

    /** Collects a body and stops at the limit. */
    private static final class BoundedBody {

        private final long limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BoundedBody(long limit) {
            this.limit = limit;
        }

        void add(byte[] chunk) {
            if (bytes.size() + (long) chunk.length > limit) {
                throw OutboundException.failed("the answer is larger than " + limit + " bytes");
            }
            bytes.writeBytes(chunk);
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
