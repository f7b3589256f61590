package dev.tollgate.edge.outbound;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to send to a URL an admin chose: {@code OutboundRequest.get(url)}, or
 * {@code OutboundRequest.post(url, "application/json", body)}, with {@link #withHeader} for the rest.
 */
public record OutboundRequest(String method, String url, Map<String, String> headers, byte[] body) {

    public OutboundRequest {
        headers = Map.copyOf(headers);
    }

    public static OutboundRequest get(String url) {
        return new OutboundRequest("GET", url, Map.of(), null);
    }

    public static OutboundRequest post(String url, String contentType, byte[] body) {
        return new OutboundRequest("POST", url, Map.of("Content-Type", contentType), body);
    }

    public OutboundRequest withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new OutboundRequest(method, url, more, body);
    }
}
