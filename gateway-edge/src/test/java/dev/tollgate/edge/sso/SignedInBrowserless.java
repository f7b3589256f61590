package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.IdentityProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls to Tollgate as a person signed in with the identity provider: the session cookie and its CSRF token. */
record SignedInBrowserless(Http http, String cookie, String csrf) {

    static SignedInBrowserless signIn(String baseUrl, String to, String user, List<String> groups) {
        IdentityProvider.SignIn signedIn = IdentityProvider.signIn(baseUrl, to, user, groups);
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(302);
        Http http = new Http(baseUrl);
        Http.Response session = http.send(http.request("/sso/session", null)
                .header("Cookie", "tollgate_session=" + signedIn.sessionCookie()).GET().build());
        return new SignedInBrowserless(http, signedIn.sessionCookie(), session.json().path("csrf_token").asText());
    }

    /** A key the signed-in member makes themselves in the portal: the answer, with its id and secret. */
    JsonNode makeKey(String name) {
        Http.Response made = post("/portal/api/keys", Map.of("name", name));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return made.json();
    }

    Http.Response get(String path) {
        return send("GET", path, null);
    }

    Http.Response delete(String path) {
        return send("DELETE", path, null);
    }

    Http.Response post(String path, Object body) {
        return send("POST", path, body);
    }

    Http.Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    Http.Response send(String method, String path, Object body) {
        HttpRequest.Builder request = http.request(path, null).header("Cookie", "tollgate_session=" + cookie);
        if (csrf != null) {
            request.header("X-CSRF-Token", csrf);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(new ObjectMapper().writeValueAsString(body))).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
