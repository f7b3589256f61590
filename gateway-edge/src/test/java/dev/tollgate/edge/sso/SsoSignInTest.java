package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.IdentityProvider;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Staff sign in with a real OpenID Connect provider on loopback: discovery, the code flow with PKCE, the ID token's
 * validation, roles from groups, server-side sessions with CSRF tokens, sign-out — and refusals that say why.
 */
class SsoSignInTest extends GatewayTestSupport {

    @Autowired
    OidcClient oidc;

    private IdentityProvider.SignIn signIn(String to, String user, List<String> groups) {
        return IdentityProvider.signIn(baseUrl(), to, user, groups);
    }

    private Http.Response withSession(String method, String path, String cookie, String csrf, String body) {
        HttpRequest.Builder request = http().request(path, null).header("Cookie", "tollgate_session=" + cookie);
        if (csrf != null) {
            request.header("X-CSRF-Token", csrf);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http().send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode session(String cookie) {
        Http.Response response = withSession("GET", "/sso/session", cookie, null, null);
        assertThat(response.status()).isEqualTo(200);
        return response.json();
    }

    @Test
    void anAdminSignsInThroughTheProviderAndGetsAnHttpOnlyLaxSessionThatReadsAdminRoutes() {
        String user = unique("ada");
        IdentityProvider.SignIn signedIn = signIn("ui", user, List.of("llm-admins", "unrelated"));

        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(302);
        assertThat(signedIn.location()).isEqualTo("/ui/");
        String cookie = signedIn.setCookies().stream().filter(c -> c.startsWith("tollgate_session=")).findFirst()
                .orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/").doesNotContain("Secure");
        Http.Response whoami = withSession("GET", "/admin/whoami", signedIn.sessionCookie(), null, null);
        assertThat(whoami.status()).as(whoami.body()).isEqualTo(200);
        assertThat(whoami.body()).contains("sso:" + user, "admin");
        JsonNode session = session(signedIn.sessionCookie());
        assertThat(session.path("signed_in").asBoolean()).isTrue();
        assertThat(session.path("role").asText()).isEqualTo("admin");
        assertThat(session.path("csrf_token").asText()).hasSizeGreaterThan(20);
    }

    @Test
    void aChangeWithASessionNeedsTheSessionsCsrfToken() {
        IdentityProvider.SignIn signedIn = signIn("ui", unique("ada"), List.of("llm-admins"));
        String team = unique("csrf-team");
        String body = "{\"id\":\"" + team + "\",\"name\":\"CSRF\",\"budget\":{\"limit\":\"10\",\"period\":\"monthly\"},"
                + "\"reason\":\"test\"}";

        Http.Response without = withSession("POST", "/admin/teams", signedIn.sessionCookie(), null, body);
        Http.Response wrong = withSession("POST", "/admin/teams", signedIn.sessionCookie(), "not-the-token", body);
        Http.Response with = withSession("POST", "/admin/teams", signedIn.sessionCookie(),
                session(signedIn.sessionCookie()).path("csrf_token").asText(), body);

        assertThat(without.status()).isEqualTo(403);
        assertThat(without.json().path("error").path("message").asText()).contains("CSRF");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(with.status()).as(with.body()).isEqualTo(201);
        assertThat(http().get("/audit?entity_id=" + team, MASTER_KEY).body()).contains("sso:");
    }

    @Test
    void aCourseManagerFromGroupsSeesAndChangesOnlyTheirTeam() {
        String mine = newTeam("100", "5", "clamp");
        String other = newTeam("100", "5", "clamp");
        IdentityProvider.SignIn signedIn = signIn("ui", unique("mo"), List.of("course-staff:" + mine));
        String cookie = signedIn.sessionCookie();
        String csrf = session(cookie).path("csrf_token").asText();

        assertThat(withSession("GET", "/admin/teams/" + mine, cookie, null, null).status()).isEqualTo(200);
        assertThat(withSession("GET", "/admin/teams/" + other, cookie, null, null).status()).isEqualTo(403);
        assertThat(withSession("GET", "/budgets/teams/" + other, cookie, null, null).status()).isEqualTo(403);
        assertThat(withSession("GET", "/admin/teams", cookie, null, null).body()).contains(mine)
                .doesNotContain(other);
        assertThat(withSession("GET", "/spend/messages?team_id=" + other, cookie, null, null).body())
                .doesNotContain(other);
        String budget = "{\"limit\":\"50\",\"period\":\"monthly\",\"reason\":\"test\"}";
        assertThat(withSession("PUT", "/admin/teams/" + other + "/budget", cookie, csrf, budget).status())
                .isEqualTo(403);
        assertThat(withSession("PUT", "/admin/teams/" + mine + "/budget", cookie, csrf, budget).status())
                .isEqualTo(200);
        assertThat(withSession("GET", "/actuator/metrics", cookie, null, null).status()).isEqualTo(403);
    }

    @Test
    void financeFromGroupsReadsEverythingAndChangesNothing() {
        String team = newTeam("100", "5", "clamp");
        IdentityProvider.SignIn signedIn = signIn("ui", unique("fin"), List.of("finance"));
        String cookie = signedIn.sessionCookie();
        String csrf = session(cookie).path("csrf_token").asText();

        assertThat(withSession("GET", "/admin/teams/" + team, cookie, null, null).status()).isEqualTo(200);
        Http.Response change = withSession("PUT", "/admin/teams/" + team + "/budget", cookie, csrf,
                "{\"limit\":\"1\",\"period\":\"monthly\",\"reason\":\"x\"}");
        assertThat(change.status()).isEqualTo(403);
        assertThat(change.body()).contains("Finance reads everything and changes nothing");
    }

    @Test
    void aNameOrEmailClaimWithAControlCharacterOrTooLongIsLeftOutAndThePersonStillSignsIn() {
        String team = newTeam("100", "5", "clamp");
        List<Map<String, Object>> claims = List.of(
                Map.of("name", "Eve\u0000Evil", "email", "eve\u0001@student.example"),
                Map.of("name", "Eve\nEvil", "email", "e".repeat(400) + "@student.example"),
                Map.of("name", "E".repeat(201), "email", "eve@student.example\u007f"),
                Map.of("name", "Eve\u001bEvil"),
                Map.of("email", "eve\t@student.example"));
        for (Map<String, Object> overrides : claims) {
            String user = unique("stu");
            IdentityProvider.SignIn signedIn = IdentityProvider.signIn(baseUrl(), "portal", user,
                    List.of(team + "-students"), overrides);
            assertThat(signedIn.status()).as(overrides + ": " + signedIn.body()).isEqualTo(302);
            assertThat(signedIn.sessionCookie()).as(overrides.toString()).isNotNull();
            JsonNode registered = http().get("/admin/users/" + user, MASTER_KEY).json();
            assertThat(registered.path("team_id").asText()).isEqualTo(team);
            assertThat(textOrNull(registered.path("name"))).as(overrides.toString())
                    .isEqualTo(overrides.containsKey("name") ? null : IdentityProvider.name(user));
            assertThat(textOrNull(registered.path("email"))).as(overrides.toString())
                    .isEqualTo(overrides.containsKey("email") ? null : IdentityProvider.email(user));
        }
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    @Test
    void aUserIdClaimLongerThanAnAdminsIdsIsRefusedWithAClearPageAndNoSession() {
        String team = newTeam("100", "5", "clamp");
        String user = unique("stu") + "x".repeat(120);
        IdentityProvider.SignIn signedIn = signIn("portal", user, List.of(team + "-students"));

        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(403);
        assertThat(signedIn.sessionCookie()).isNull();
        assertThat(signedIn.body()).contains("no usable");
        assertThat(http().get("/admin/users/" + user, MASTER_KEY).status()).isEqualTo(404);
    }

    @Test
    void someoneWithoutAMappedGroupIsRefusedWithAClearPageAndNoSession() {
        String user = unique("nobody");
        IdentityProvider.SignIn signedIn = signIn("portal", user, List.of("library-users"));

        assertThat(signedIn.status()).isEqualTo(403);
        assertThat(signedIn.sessionCookie()).isNull();
        assertThat(signedIn.body()).contains("No access for " + user, "none of your groups gives access");
    }

    @Test
    void aStudentIsRefusedByTheAdminPagesWithAPointerToThePortal() {
        String team = newTeam("100", "5", "clamp");
        IdentityProvider.SignIn signedIn = signIn("ui", unique("stu"), List.of(team + "-students"));

        assertThat(signedIn.status()).isEqualTo(403);
        assertThat(signedIn.body()).contains("The admin pages are for staff", "/portal/");
        assertThat(signedIn.sessionCookie()).isNull();
    }

    @Test
    void signingOutEndsTheSessionAtOnceAndSendsTheBrowserToTheProvidersEndSession() {
        IdentityProvider.SignIn signedIn = signIn("ui", unique("ada"), List.of("llm-admins"));
        String cookie = signedIn.sessionCookie();
        String csrf = session(cookie).path("csrf_token").asText();

        Http.Response noToken = withSession("POST", "/sso/logout", cookie, null, null);
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(withSession("GET", "/admin/whoami", cookie, null, null).status()).isEqualTo(200);

        Http.Response out = withSession("POST", "/sso/logout", cookie, csrf, null);
        assertThat(out.status()).as(out.body()).isEqualTo(200);
        assertThat(out.json().path("redirect").asText())
                .startsWith(IdentityProvider.shared().server().endSessionEndpointUrl(IdentityProvider.ISSUER_ID)
                        .toString())
                .contains("post_logout_redirect_uri=", "client_id=" + IdentityProvider.CLIENT_ID);
        assertThat(out.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("tollgate_session=;")
                && c.contains("Max-Age=0"));
        Http.Response after = withSession("GET", "/admin/whoami", cookie, null, null);
        assertThat(after.status()).isEqualTo(401);
        assertThat(session(cookie).path("signed_in").asBoolean()).isFalse();
    }

    @Test
    void theProvidersAnswerIsRefusedWithoutTheStateCookieOfTheBrowserThatStartedTheSignInAndOnlyOnce() {
        IdentityProvider.SignIn signedIn = signIn("ui", unique("ada"), List.of("llm-admins"));
        assertThat(signedIn.status()).isEqualTo(302);
        URI callback = signedIn.callback();
        String state = callback.getQuery().replaceAll(".*state=([^&]+).*", "$1");

        // a browser is shown a page (under its own policy); a script gets the OpenAI-shaped error, the same words
        Http.Response noCookie = http().send(http().request(callback.getRawPath() + "?" + callback.getRawQuery(),
                null).header("Accept", IdentityProvider.BROWSER_ACCEPT).GET().build());
        Http.Response noCookieScript = http().send(http().request(callback.getRawPath() + "?"
                + callback.getRawQuery(), null).GET().build());
        Http.Response replayed = http().send(http().request(callback.getRawPath() + "?" + callback.getRawQuery(),
                null).header("Cookie", "tollgate_sso_state=" + state).GET().build());

        assertThat(noCookie.status()).isEqualTo(400);
        assertThat(noCookie.header("Content-Type")).startsWith("text/html");
        assertThat(noCookie.body()).contains("<h1 id=\"title\">This sign-in cannot be completed</h1>",
                "does not belong to a sign-in started in this browser");
        assertThat(noCookie.header("Content-Security-Policy")).startsWith("default-src 'none'; style-src 'sha256-")
                .contains("frame-ancestors 'none'");
        assertThat(noCookie.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(noCookie.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(noCookie.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(noCookieScript.status()).isEqualTo(400);
        assertThat(noCookieScript.json().path("error").path("message").asText())
                .contains("does not belong to a sign-in started in this browser");
        assertThat(noCookieScript.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(replayed.status()).isEqualTo(400);
        assertThat(replayed.json().path("error").path("message").asText()).contains("already used");
    }

    @Test
    void bearerKeysKeepWorkingForScriptsAndWinOverASessionCookie() {
        IdentityProvider.SignIn signedIn = signIn("ui", unique("fin"), List.of("finance"));
        String team = unique("bearer-team");
        Http.Response created = http().send(http().request("/admin/teams", MASTER_KEY)
                .header("Cookie", "tollgate_session=" + signedIn.sessionCookie())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + team + "\",\"name\":\"B\",\"budget\":"
                        + "{\"limit\":\"10\",\"period\":\"monthly\"},\"reason\":\"script\"}")).build());

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(http().get("/admin/whoami", MASTER_KEY).body()).contains("master");
    }

    // --- the ID token's validation, with tokens the real provider signs ---

    private SignedJWT idToken(String issuerId, String clientId, String nonce, long expirySeconds) {
        var provider = IdentityProvider.shared().server().getConfig().getTokenProvider();
        TokenRequest request = new TokenRequest(URI.create("http://127.0.0.1/token"), new ClientID(clientId),
                new AuthorizationCodeGrant(new AuthorizationCode("code"), URI.create("http://127.0.0.1/cb")));
        return provider.idToken(request, IdentityProvider.shared().server().issuerUrl(issuerId),
                new DefaultOAuth2TokenCallback(issuerId, "subject-1", JOSEObjectType.JWT.getType(), null,
                        Map.of("preferred_username", "subject-1"), expirySeconds), nonce);
    }

    @Test
    void aValidIdTokenOfThisSignInIsAccepted() throws Exception {
        SignedJWT token = idToken(IdentityProvider.ISSUER_ID, IdentityProvider.CLIENT_ID, "nonce-1", 300);

        assertThat(oidc.validate(token, new Nonce("nonce-1")).getSubject()).isEqualTo("subject-1");
    }

    @Test
    void anExpiredTokenIsRefused() {
        SignedJWT token = idToken(IdentityProvider.ISSUER_ID, IdentityProvider.CLIENT_ID, "nonce-1", -600);

        assertThatThrownBy(() -> oidc.validate(token, new Nonce("nonce-1")))
                .isInstanceOf(OidcClient.SignInRefused.class).hasMessageContaining("xpired");
    }

    @Test
    void aTokenOfAnotherSignInAnotherAudienceOrAnotherIssuerIsRefused() {
        assertThatThrownBy(() -> oidc.validate(idToken(IdentityProvider.ISSUER_ID, IdentityProvider.CLIENT_ID,
                "nonce-1", 300), new Nonce("nonce-2"))).isInstanceOf(OidcClient.SignInRefused.class)
                .hasMessageContaining("nonce");
        assertThatThrownBy(() -> oidc.validate(idToken(IdentityProvider.ISSUER_ID, "another-client", "nonce-1",
                300), new Nonce("nonce-1"))).isInstanceOf(OidcClient.SignInRefused.class)
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> oidc.validate(idToken("another-issuer", IdentityProvider.CLIENT_ID, "nonce-1",
                300), new Nonce("nonce-1"))).isInstanceOf(OidcClient.SignInRefused.class)
                .hasMessageContaining("no matching key");
    }

    @Test
    void aTamperedTokenIsRefusedByItsSignature() throws Exception {
        SignedJWT token = idToken(IdentityProvider.ISSUER_ID, IdentityProvider.CLIENT_ID, "nonce-1", 300);
        String[] parts = token.serialize().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload
                .replace("\"subject-1\"", "\"subject-2\"").getBytes());
        SignedJWT tampered = SignedJWT.parse(parts[0] + "." + forged + "." + parts[2]);

        assertThatThrownBy(() -> oidc.validate(tampered, new Nonce("nonce-1")))
                .isInstanceOf(OidcClient.SignInRefused.class).hasMessageContaining("ignature");
    }
}
