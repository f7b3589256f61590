package dev.tollgate.edge.outbound;

import org.springframework.http.HttpHeaders;

/** What the server answered: any status (redirects are not followed), its headers, its whole (bounded) body. */
public record OutboundAnswer(int status, HttpHeaders headers, byte[] body) {

    /** The body of a 2xx answer; any other status is an {@link OutboundException} that names only the status. */
    public byte[] requireOk() {
        if (status >= 200 && status < 300) {
            return body;
        }
        throw OutboundException.failed("the server answered HTTP " + status
                + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
    }
}
