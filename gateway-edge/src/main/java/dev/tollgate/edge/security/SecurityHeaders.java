package dev.tollgate.edge.security;

import dev.tollgate.edge.web.EdgeFilter;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/**
 * Headers that keep browsers from misreading Tollgate's answers. Every answer, errors included, says
 * {@code X-Content-Type-Options: nosniff}. The admin UI ({@code /ui}) and the portal ({@code /portal}) are pages: they
 * also get a Content-Security-Policy without {@code 'unsafe-inline'} (everything they load is their own files), may
 * not be framed ({@code frame-ancestors 'none'}, {@code X-Frame-Options: DENY}) and send no referrer; so do the
 * sign-in's pages ({@code /sso/...} answers in HTML, under their own policy). {@code nosniff} is set before any
 * layer answers (no layer removes a response's headers, so whichever answers, a route, the route guard or the error
 * handler, keeps it); the pages' headers just before the answer is committed, when what answers is known. A commit
 * action costs every answer a chain of Reactor operators at its commit: the API's answers have none.
 */
@Component
@Order(0) // first: every answer gets the headers, the other filters' refusals too (web.EdgeFilters)
public class SecurityHeaders implements EdgeFilter {

    /** The pages' policy: their own scripts, styles, data and images only; no plugins, no framing, no base tag. */
    public static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = decoded(exchange.getRequest().getPath().value());
        boolean page = isPage(path);
        boolean signIn = path.startsWith("/sso/");
        exchange.getResponse().getHeaders().set("X-Content-Type-Options", "nosniff");
        if (page || signIn) {
            // a page's headers depend on what answers it (a sign-in page's content type): decided at the commit
            exchange.getResponse().beforeCommit(() -> {
                HttpHeaders headers = exchange.getResponse().getHeaders();
                if (page) {
                    headers.set("Content-Security-Policy", PAGE_POLICY);
                }
                if (page || isHtml(headers)) {
                    if (!headers.containsKey("Content-Security-Policy")) { // a sign-in page sets its own, stricter one
                        headers.set("Content-Security-Policy", PAGE_POLICY);
                    }
                    headers.set("X-Frame-Options", "DENY");
                    headers.set("Referrer-Policy", "no-referrer");
                }
                return Mono.empty();
            });
        }
        return chain.filter(exchange);
    }

    private static boolean isHtml(HttpHeaders headers) {
        try {
            MediaType type = headers.getContentType();
            return type != null && type.isCompatibleWith(MediaType.TEXT_HTML);
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
    }

    /**
     * The path as the route guard and the router read it: {@code /u%69/} is the admin UI too (an escape that
     * {@link CanonicalPath} refuses gets the pages' headers on its refusal, which costs nothing).
     */
    static String decoded(String rawPath) {
        if (rawPath.indexOf('%') < 0) {
            return rawPath;
        }
        try {
            return UriUtils.decode(rawPath, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return rawPath; // refused by the route guard
        }
    }

    static boolean isPage(String path) {
        return path.equals("/ui") || path.startsWith("/ui/") || path.equals("/portal") || path.startsWith("/portal/");
    }
}
