package dev.tollgate.edge.config;

import com.github.benmanes.caffeine.cache.Caffeine;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/**
 * Axon's aggregate cache on Caffeine: a bounded, strongly referenced cache.
 * <p>
 * Why not Axon's {@code WeakReferenceCache}: a weakly referenced aggregate is collected by the next garbage
 * collection, which under load comes several times a second, and a hot team would then be rebuilt from the event
 * store again and again. Here the most used aggregates stay; the rest are evicted by size and idleness. Axon evicts
 * an entry itself when a unit of work rolls back (another node appended first, for instance).
 */
public class BoundedAggregateCache implements Cache {

    private final ConcurrentMap<Object, Object> entries;

    public BoundedAggregateCache(long maximumSize, Duration expireAfterAccess) {
        this.entries = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterAccess(expireAfterAccess)
                .build()
                .asMap();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> V get(K key) {
        return (V) entries.get(key);
    }

    @Override
    public void put(Object key, Object value) {
        entries.put(key, value);
    }

    @Override
    public boolean putIfAbsent(Object key, Object value) {
        return entries.putIfAbsent(key, value) == null;
    }

    @Override
    public boolean remove(Object key) {
        return entries.remove(key) != null;
    }

    @Override
    public void removeAll() {
        entries.clear();
    }

    @Override
    public boolean containsKey(Object key) {
        return entries.containsKey(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> void computeIfPresent(Object key, UnaryOperator<V> update) {
        entries.computeIfPresent(key, (k, v) -> update.apply((V) v));
    }

    @Override
    public Registration registerCacheEntryListener(EntryListener cacheEntryListener) {
        return () -> true; // nobody listens to aggregate cache entries here
    }
}
