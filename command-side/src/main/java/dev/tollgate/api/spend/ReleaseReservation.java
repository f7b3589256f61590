package dev.tollgate.api.spend;

/** Give a reservation back in full: the request failed before anything was charged upstream. */
public record ReleaseReservation(String requestId, String reason) implements SpendLine {
}
