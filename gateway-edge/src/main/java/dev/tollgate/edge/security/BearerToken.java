package dev.tollgate.edge.security;

import org.springframework.http.HttpHeaders;

/** The credential of a request: {@code Authorization: Bearer …} (OpenAI SDKs) or {@code api-key: …} (Azure SDKs). */
public final class BearerToken {

    private BearerToken() {
    }

    public static String from(HttpHeaders headers) {
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        String apiKey = headers.getFirst("api-key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }
}
