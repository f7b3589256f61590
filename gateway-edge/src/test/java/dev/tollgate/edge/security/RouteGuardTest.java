package dev.tollgate.edge.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.RawHttp;
import dev.tollgate.edge.support.ServedRoutes;
import dev.tollgate.edge.support.ServedRoutes.Served;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.server.PathContainer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deny by default, decided on the path the router uses: every route the application serves is declared in the
 * route table, and no protected route answers 200 without a valid credential, however its path is spelled.
 */
class RouteGuardTest extends GatewayTestSupport {

    private static final String WRONG_KEY = "tg-wrong0000000000000000000000000000000000";

    @Autowired
    ApplicationContext context;

    @Test
    void everyRouteTheApplicationServesIsDeclaredInTheRouteTable() {
        List<Served> served = ServedRoutes.of(context);
        assertThat(served).extracting(Served::pattern)
                .contains("/admin/teams", "/v1/chat/completions", "/actuator/prometheus", "/spend/me");
        RouteTable table = RouteTable.standard();
        for (Served route : served) {
            assertThat(table.accessFor(PathContainer.parsePath(route.samplePath())))
                    .as("%s %s is declared", route.method(), route.pattern()).isPresent();
        }
    }

    @Test
    void noProtectedRouteAnswersWithoutAValidCredentialHoweverItsPathIsSpelled() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        RouteTable table = RouteTable.standard();
        int checked = 0;
        for (Served route : ServedRoutes.of(context)) {
            String path = route.samplePath();
            if (table.accessFor(PathContainer.parsePath(path)).orElseThrow() == RouteAccess.PUBLIC) {
                continue;
            }
            String body = route.method().equals("GET") || route.method().equals("DELETE") ? null : "{}";
            for (String variant : spellings(path)) {
                for (String credential : new String[]{null, WRONG_KEY}) {
                    RawHttp.Response response = raw.send(route.method(), variant, credential, body);
                    String what = route.method() + " " + variant + (credential == null ? " (no credential)" : " (wrong key)");
                    assertThat(response.status()).as(what + ": " + response.body()).isBetween(400, 499);
                    JsonNode error = response.jsonOrNull();
                    assertThat(error).as(what + " answers JSON: " + response.body()).isNotNull();
                    assertThat(error.path("error").path("message").isTextual()).as(what).isTrue();
                    assertThat(error.path("error").path("type").isTextual()).as(what).isTrue();
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(500);
    }

    @Test
    void anEscapedPathIsDecidedAsTheRouteItReaches() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        for (String path : List.of("/%61dmin/teams", "/%61dmin/prices", "/%73pend/messages", "/%61udit",
                "/%61ctuator/prometheus", "/%61ctuator/health/details", "/%72eports/spend")) {
            RawHttp.Response anonymous = raw.send("GET", path, null, null);
            assertThat(anonymous.status()).as(path + ": " + anonymous.body()).isEqualTo(401);
            assertThat(anonymous.jsonOrNull().path("error").path("code").asText()).isEqualTo("invalid_api_key");
        }
        // the same route, spelled with an escape, is the route: the master key reads it
        assertThat(raw.send("GET", "/%61dmin/teams", MASTER_KEY, null).status()).isEqualTo(200);
    }

    @Test
    void refusesPathsThatLayersCouldReadTwoWays() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        for (String path : List.of("/admin/teams/a%00b", "/admin%2Fteams", "/%2561dmin/teams", "/admin;x=1/teams",
                "//admin/teams", "/./admin/teams", "/x/../admin/teams", "/admin/%2e%2e/admin/teams")) {
            RawHttp.Response response = raw.send("GET", path, MASTER_KEY, null);
            assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(400);
            assertThat(response.jsonOrNull().path("error").path("code").asText()).as(path).isEqualTo("invalid_path");
        }
    }

    @Test
    void refusesUndeclaredPathsEvenWithTheMasterKey() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        for (String path : List.of("/ADMIN/teams", "/Admin/teams", "/v1/chat/completions/x", "/nosuch",
                "/favicon.ico", "/v2/models")) {
            RawHttp.Response response = raw.send("GET", path, MASTER_KEY, null);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.jsonOrNull().path("error").path("code").asText()).as(path).isEqualTo("not_found");
        }
    }

    /** The path as an attacker might spell it: escapes, separators, dot segments, parameters, slashes, case. */
    static Set<String> spellings(String path) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(path);
        String[] segments = path.substring(1).split("/");
        variants.add("/" + escapeFirst(segments[0], "%%%02x") + rest(segments, 1));
        variants.add("/" + escapeFirst(segments[0], "%%%02X") + rest(segments, 1));
        variants.add("/" + escapeAll(segments[0]) + rest(segments, 1));
        variants.add("/" + segments[0] + rest(segments, 1).replaceFirst("/", "%2F"));
        variants.add("/" + segments[0] + rest(segments, 1).replaceFirst("/", "%2f"));
        variants.add("/" + escapeFirst(segments[0], "%%25%02x") + rest(segments, 1)); // double encoding
        variants.add("/" + segments[0] + ";x=1" + rest(segments, 1));
        variants.add(path + ";jsessionid=1");
        variants.add("/" + path);
        variants.add("/" + segments[0] + "/" + rest(segments, 1));
        variants.add("/." + path);
        variants.add("/" + segments[0] + "/." + rest(segments, 1));
        variants.add("/x/.." + path);
        variants.add("/x/%2e%2e" + path);
        variants.add(path + "/");
        variants.add(path.toUpperCase(Locale.ROOT));
        variants.add("/" + Character.toUpperCase(segments[0].charAt(0)) + segments[0].substring(1) + rest(segments, 1));
        variants.add(path.replace('/', '\\'));
        return variants;
    }

    private static String rest(String[] segments, int from) {
        StringBuilder rest = new StringBuilder();
        for (int i = from; i < segments.length; i++) {
            rest.append('/').append(segments[i]);
        }
        return rest.toString();
    }

    private static String escapeFirst(String segment, String format) {
        return String.format(format, (int) segment.charAt(0)) + segment.substring(1);
    }

    private static String escapeAll(String segment) {
        StringBuilder escaped = new StringBuilder();
        for (char c : segment.toCharArray()) {
            escaped.append(String.format("%%%02X", (int) c));
        }
        return escaped.toString();
    }
}
