package dev.tollgate.domain.team;

import java.time.Instant;

/**
 * What a team recorded of one approved recalculation: its approval chunks 0 to {@code chunks - 1}, the last of them
 * at {@code lastAt} (the team's clock when it recorded it).
 */
record RecordedChunks(int chunks, Instant lastAt) {

    /** Both recordings: the most chunks, the latest instant. */
    RecordedChunks and(RecordedChunks later) {
        return new RecordedChunks(Math.max(chunks, later.chunks()),
                lastAt.isAfter(later.lastAt()) ? lastAt : later.lastAt());
    }
}
