package dev.tollgate.edge.storedevents;

import org.axonframework.serialization.upcasting.event.EventUpcasterChain;

/**
 * How events stored by earlier releases are read (docs/ledger.md, "How events evolve"): each upcaster takes one
 * revision of some event types to the next, in the order of the releases that changed them.
 */
public final class StoredEventUpcasters {

    private StoredEventUpcasters() {
    }

    public static EventUpcasterChain chain() {
        return new EventUpcasterChain(
                new UnrevisionedEvents(),       // release 0.1: no revision -> 1
                new BalancesWithOverrun(),      // 1 -> 2: balances count overrun
                new RegistrationsWithEmail(),   // UserRegistered 2 -> 3: an email (personal data)
                new CohortBoostsWithLimitCap()); // CohortBoostGranted 1 -> 2: the actor's budget cap
    }
}
