package dev.tollgate.edge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests a client library would refuse or normalise: the request line goes on
 * the wire byte for byte (percent-escapes, dot segments, backslashes, matrix parameters).
 */
public final class RawHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final int port;

    private final java.net.InetAddress localAddress;

    public RawHttp(String host, int port) {
        this(host, port, null);
    }

    /** Connecting from {@code localAddress} (such as 127.0.0.2: another client, as the server sees it). */
    public RawHttp(String host, int port, java.net.InetAddress localAddress) {
        this.host = host;
        this.port = port;
        this.localAddress = localAddress;
    }

    public record Response(int status, Map<String, String> headers, String body) {

        /** The body as JSON, or {@code null} when it is not JSON. */
        public JsonNode jsonOrNull() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }
    }

    public Response send(String method, String rawTarget, String bearer, String jsonBody) {
        return send(method, rawTarget, bearer, jsonBody, Map.of());
    }

    /** As {@link #send(String, String, String, String)}, with more headers (name → value, sent as given). */
    public Response send(String method, String rawTarget, String bearer, String jsonBody, Map<String, String> extra) {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Connection: close\r\n");
        if (bearer != null) {
            head.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        extra.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        if (jsonBody != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        try (Socket socket = localAddress == null ? new Socket(host, port)
                : new Socket(java.net.InetAddress.getByName(host), port, localAddress, 0)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return parse(readUntilClosed(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Everything the server sent. A server that answers before reading the whole request (a refusal) may reset the
     * connection when it closes it; what it had sent is still the answer.
     */
    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                received.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            if (received.size() == 0) {
                throw reset;
            }
        }
        return received.toByteArray();
    }

    private static Response parse(byte[] raw) throws IOException {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int headEnd = all.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            throw new IOException("no complete response head: " + all);
        }
        String[] lines = all.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
        byte[] body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? dechunk(rest) : rest;
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = new java.io.ByteArrayInputStream(chunked);
        while (true) {
            StringBuilder sizeLine = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    sizeLine.append((char) c);
                }
            }
            int semicolon = sizeLine.indexOf(";");
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).toString().trim();
            if (hex.isEmpty()) {
                return out.toByteArray();
            }
            int size = Integer.parseInt(hex, 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            in.read(); // \r
            in.read(); // \n
        }
    }
}
