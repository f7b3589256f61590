package dev.tollgate.edge.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real OpenID Connect provider on loopback (NAV's mock-oauth2-server): discovery, JWKS, authorization code flow
 * with PKCE (it checks the verifier), signed ID tokens with the nonce, an end-session endpoint, and an interactive
 * login page where a person types a user name and the claims (their groups) — as a university's Keycloak would
 * show its own login form. Shared by the test classes, like the fake upstream.
 */
public final class IdentityProvider {

    public static final String ISSUER_ID = "university";
    public static final String CLIENT_ID = "tollgate-test";

    private static IdentityProvider shared;

    private final MockOAuth2Server server;

    private IdentityProvider() {
        server = new MockOAuth2Server(new OAuth2Config(true, null, null, false,
                new no.nav.security.mock.oauth2.token.OAuth2TokenProvider(), java.util.Set.of(),
                new no.nav.security.mock.oauth2.http.MockWebServerWrapper()));
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized IdentityProvider shared() {
        if (shared == null) {
            shared = new IdentityProvider();
        }
        return shared;
    }

    public MockOAuth2Server server() {
        return server;
    }

    public String issuer() {
        return server.issuerUrl(ISSUER_ID).toString();
    }

    /** The name the provider gives a test person. */
    public static String name(String userId) {
        return "Person " + userId.replace('-', ' ');
    }

    /** The email the provider gives a test person. */
    public static String email(String userId) {
        return "mail." + userId + "@student.example";
    }

    /** The claims a person types on the login page: a user name, a name, an email and groups. */
    public static String claims(String userId, List<String> groups) {
        return claims(userId, groups, Map.of());
    }

    /** As {@link #claims(String, List)}, with some claims given other values ({@code overrides}). */
    public static String claims(String userId, List<String> groups, Map<String, Object> overrides) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("preferred_username", userId);
        claims.put("name", name(userId));
        claims.put("email", email(userId));
        claims.put("groups", groups);
        claims.putAll(overrides);
        try {
            return new ObjectMapper().writeValueAsString(claims);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Signs in at Tollgate through this provider without a browser, exactly as a browser would: Tollgate's redirect,
     * the provider's login form, its redirect back with the code, Tollgate's callback. Answers the last answer of
     * Tollgate (a redirect into the UI or portal with the session cookie, or a refusal page).
     */
    /** What a browser asks for when it follows a link or a redirect (Chromium's and Firefox's navigation Accept). */
    public static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,"
            + "image/avif,image/webp,*/*;q=0.8";

    public static SignIn signIn(String tollgateBaseUrl, String to, String subject, List<String> groups) {
        return signIn(tollgateBaseUrl, to, subject, groups, Map.of());
    }

    /** As {@link #signIn(String, String, String, List)}, with some claims given other values. */
    public static SignIn signIn(String tollgateBaseUrl, String to, String subject, List<String> groups,
                                Map<String, Object> claimOverrides) {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> login = send(client, HttpRequest.newBuilder(URI.create(tollgateBaseUrl
                + "/sso/login?to=" + to)).header("Accept", BROWSER_ACCEPT).GET().build());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        String stateCookie = cookie(login, "tollgate_sso_state");
        URI authorize = URI.create(login.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> page = send(client, HttpRequest.newBuilder(authorize).GET().build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"username\"");
        String form = "username=" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "&claims="
                + URLEncoder.encode(claims(subject, groups, claimOverrides),
                StandardCharsets.UTF_8);
        HttpResponse<String> submitted = send(client, HttpRequest.newBuilder(authorize)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(302);
        URI callback = URI.create(submitted.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> answer = send(client, HttpRequest.newBuilder(callback)
                .header("Accept", BROWSER_ACCEPT).header("Cookie", "tollgate_sso_state=" + stateCookie).GET().build());
        return new SignIn(answer.statusCode(), answer.headers().firstValue("Location").orElse(null),
                cookieOrNull(answer, "tollgate_session"), answer.body(), answer.headers().allValues("Set-Cookie"),
                callback);
    }

    /** Tollgate's answer to the provider's redirect back. */
    public record SignIn(int status, String location, String sessionCookie, String body, List<String> setCookies,
                         URI callback) {
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String cookie(HttpResponse<?> response, String name) {
        String value = cookieOrNull(response, name);
        assertThat(value).as("cookie " + name + " in " + response.headers().allValues("Set-Cookie")).isNotNull();
        return value;
    }

    static String cookieOrNull(HttpResponse<?> response, String name) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            if (header.startsWith(name + "=")) {
                String value = header.substring(name.length() + 1, header.indexOf(';') < 0 ? header.length()
                        : header.indexOf(';'));
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }
}
