package dev.tollgate.edge.security;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.RawHttp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * nosniff on every answer, whichever layer gives it; the pages (/ui, /portal) with a CSP that allows no inline code,
 * no framing and no referrer.
 */
class SecurityHeadersTest extends GatewayTestSupport {

    @Test
    void thePagesMayNotBeFramedNorRunInlineCode() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        for (String path : List.of("/ui/", "/ui/index.html", "/ui/app.js", "/ui/app.css", "/ui/nosuch", "/portal",
                "/portal/x")) {
            RawHttp.Response response = raw.send("GET", path, null, null);
            Map<String, String> headers = response.headers();
            String csp = headers.get("content-security-policy");
            assertThat(csp).as(path).isEqualTo(SecurityHeaders.PAGE_POLICY).contains("frame-ancestors 'none'")
                    .contains("script-src 'self'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(headers).as(path).containsEntry("x-frame-options", "DENY")
                    .containsEntry("x-content-type-options", "nosniff").containsEntry("referrer-policy", "no-referrer");
        }
        assertThat(raw.send("GET", "/ui/", null, null).status()).isEqualTo(200);
    }

    @Test
    void aPageSpelledWithEscapesIsStillAPage() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        for (String path : List.of("/u%69/", "/%75i/app.js", "/p%6Frtal/", "/portal/%78")) {
            RawHttp.Response response = raw.send("GET", path, null, null);

            assertThat(response.headers()).as(path + " " + response.status())
                    .containsEntry("content-security-policy", SecurityHeaders.PAGE_POLICY)
                    .containsEntry("x-frame-options", "DENY").containsEntry("referrer-policy", "no-referrer");
        }
        assertThat(raw.send("GET", "/u%69/", null, null).status()).isEqualTo(200); // the router reads it as /ui/
    }

    @Test
    void everyAnswerSaysNosniffWhateverLayerGivesIt() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        List<RawHttp.Response> answers = List.of(
                raw.send("GET", "/admin/teams", MASTER_KEY, null),           // a route
                raw.send("GET", "/admin/teams", null, null),                 // the route guard: 401
                raw.send("GET", "/nosuch", null, null),                      // deny by default: 404
                raw.send("GET", "/admin%2Fteams", MASTER_KEY, null),         // a path with two readings: 400
                raw.send("GET", "/admin/teams\\x", MASTER_KEY, null),        // no URI: the HTTP layer's 400
                raw.send("GET", "/v1/models", null, null),                   // /v1: 401
                raw.send("POST", "/v1/chat/completions", null, "{}"),        // a governed route: 401
                raw.send("GET", "/actuator/health", null, null),             // a probe
                raw.send("GET", "/" + "x".repeat(9000), null, null));        // the HTTP layer's 414
        for (RawHttp.Response answer : answers) {
            assertThat(answer.headers()).as(answer.status() + " " + answer.body())
                    .containsEntry("x-content-type-options", "nosniff");
        }
        assertThat(answers).extracting(RawHttp.Response::status).contains(200, 401, 404, 400, 414);
        // the API's answers are no pages: no page policy on them
        assertThat(answers.get(0).headers()).doesNotContainKey("content-security-policy");
    }
}
