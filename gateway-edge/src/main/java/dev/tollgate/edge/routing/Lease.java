package dev.tollgate.edge.routing;

import dev.tollgate.edge.catalog.CatalogModel;

import java.util.concurrent.atomic.AtomicBoolean;

/** One attempt's hold on a deployment: counted when chosen, finished once. */
public final class Lease {

    private final CatalogModel deployment;
    private final long acquiredAtMillis;
    private final long estimatedTokens;
    private final long sentNanos = System.nanoTime();
    private volatile long firstByteNanos;
    private final AtomicBoolean finished = new AtomicBoolean();

    Lease(CatalogModel deployment, long acquiredAtMillis, long estimatedTokens) {
        this.deployment = deployment;
        this.acquiredAtMillis = acquiredAtMillis;
        this.estimatedTokens = estimatedTokens;
    }

    /** The model on the chosen deployment. */
    public CatalogModel deployment() {
        return deployment;
    }

    long acquiredAtMillis() {
        return acquiredAtMillis;
    }

    long estimatedTokens() {
        return estimatedTokens;
    }

    /** The first bytes of the answer arrived. */
    void answered() {
        if (firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
        }
    }

    /** Time to the first bytes of the answer; -1 when none came. */
    long latencyMillis() {
        return firstByteNanos == 0 ? -1 : (firstByteNanos - sentNanos) / 1_000_000;
    }

    /** True the first time only. */
    boolean finish() {
        return finished.compareAndSet(false, true);
    }
}
