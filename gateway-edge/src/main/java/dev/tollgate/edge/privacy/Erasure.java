package dev.tollgate.edge.privacy;

import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * What follows the {@code PersonalDataErased} event of a person (GDPR art. 17): their key is destroyed, so every
 * personal field sealed with it is unreadable from then on, in the event store and in every replay; and the
 * snapshots that may hold their external id (a team's state) are dropped, the aggregates rebuilding from events.
 * The read tables drop their personal fields when their projections see the event.
 */
@Component
public class Erasure {

    private final PersonalDataKeys keys;
    private final DSLContext dsl;

    public Erasure(PersonalDataKeys keys, DSLContext dsl) {
        this.keys = keys;
        this.dsl = dsl;
    }

    /** Run once the erasure is recorded; idempotent. Answers how many keys were destroyed. */
    public int destroy(String userId) {
        int destroyed = keys.destroy(userId);
        // A snapshot is a cache of an aggregate's state: dropping it changes no fact, and a team's state taken
        // before the erasure may hold the person's external id in clear.
        dsl.execute("DELETE FROM snapshotevententry WHERE position(convert_to(?, 'UTF8') IN payload) > 0", userId);
        return destroyed;
    }
}
