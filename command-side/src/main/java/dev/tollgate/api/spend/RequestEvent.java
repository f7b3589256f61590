package dev.tollgate.api.spend;

/** An event about one gateway request; projections keyed per request sequence on {@link #requestId()}. */
public interface RequestEvent {
    String requestId();

    String teamId();
}
