package dev.tollgate.edge.provider;

/**
 * The prompt tokens an upstream reported at the start of a stream, before its usage at the end (Anthropic's
 * {@code message_start}): a stream cut or left before its end is charged at least these (GovernedCall). Written by
 * the provider's stream, found in the Reactor context under this class; read once the stream is over.
 */
public final class ReportedPrompt {

    private volatile long tokens = -1;
    private volatile long cached;

    /** Records what the upstream reported: {@code tokens} prompt tokens, {@code cached} of them read from its cache. */
    public void report(long tokens, long cached) {
        this.cached = cached;
        this.tokens = tokens;
    }

    /** Whether the upstream reported its prompt. */
    public boolean known() {
        return tokens >= 0;
    }

    /** The prompt tokens reported, cache reads and writes included; -1 when none was. */
    public long tokens() {
        return tokens;
    }

    /** The part of {@link #tokens} read from the upstream's cache. */
    public long cached() {
        return cached;
    }
}
