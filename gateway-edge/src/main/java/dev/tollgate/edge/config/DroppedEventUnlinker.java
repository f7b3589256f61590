package dev.tollgate.edge.config;

import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Cuts the link from every event the embedded store's cache has dropped to the event after it.
 * <p>
 * Why: Axon's cache is a singly linked list of nodes, and a node it drops still points to the next one. A young
 * collection treats every reference from the old generation as live, dead objects' included; so once one node is in
 * the old generation (a full collection moves the whole cache there; a processor held back for a second keeps nodes
 * long enough to be promoted), its dead link keeps the next node alive until that one is promoted too, and so on: every
 * event read then went through the old generation. At saturation that was about 2 MB promoted per young collection,
 * a full collection of 130 to 165 ms every 40 s and some 200 MB more resident memory, in most runs and not in others
 * (the chain starts by chance and never ends by itself). The JDK's own linked queues unlink removed nodes for the
 * same reason.
 * <p>
 * Safe: Axon follows a node's link only from a stream's last node, and a stream whose last node was dropped is behind
 * the cache ({@code lastNode.index < oldest.index}) and reads from the database from its last token instead. A stream
 * that reads the cut link in the moment between that check and the cut sees no event yet, and on its next look is
 * behind; nothing is skipped. The store's reader only ever writes the link of its newest node, never of a dropped one.
 * <p>
 * Axon's fields are private; when a later Axon renames them this logs once and does nothing (the store works as
 * before, with the old memory behaviour), and {@code DroppedEventUnlinkerTest} fails.
 */
final class DroppedEventUnlinker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(DroppedEventUnlinker.class);

    private static final VarHandle OLDEST;
    private static final VarHandle NEXT;

    static {
        VarHandle oldest = null;
        VarHandle next = null;
        try {
            Class<?> node = Class.forName(EmbeddedEventStore.class.getName() + "$Node");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            oldest = MethodHandles.privateLookupIn(EmbeddedEventStore.class, lookup)
                    .findVarHandle(EmbeddedEventStore.class, "oldest", node);
            next = MethodHandles.privateLookupIn(node, lookup).findVarHandle(node, "next", node);
        } catch (ReflectiveOperationException | RuntimeException changed) {
            log.warn("Axon's event cache is not the one this was written for ({}); its dropped events stay linked",
                    changed.toString());
        }
        OLDEST = oldest;
        NEXT = next;
    }

    private final EmbeddedEventStore store;
    /**
     * The cache's oldest node when this last ran: the nodes before it are unlinked already, but for those dropped
     * before the first run, which stay linked up to this node only, all dead once it is cut.
     */
    private Object unlinkedUpTo;

    DroppedEventUnlinker(EmbeddedEventStore store) {
        this.store = store;
    }

    /** Whether this Axon's cache has the fields this unlinks through. */
    static boolean supported() {
        return OLDEST != null && NEXT != null;
    }

    /** Unlinks the nodes dropped since the last run. Runs on one thread at a time. */
    @Override
    public void run() {
        if (!supported()) {
            return;
        }
        Object oldest = OLDEST.getVolatile(store);
        if (oldest == null) {
            return;
        }
        Object node = unlinkedUpTo;
        while (node != null && node != oldest) {
            Object next = NEXT.getVolatile(node);
            NEXT.setVolatile(node, null);
            node = next;
        }
        unlinkedUpTo = oldest;
    }

    /** The cache's oldest node (for tests). */
    Object oldest() {
        return OLDEST.getVolatile(store);
    }

    /** The node after {@code node} in the cache, or null (for tests). */
    static Object next(Object node) {
        return NEXT.getVolatile(node);
    }
}
