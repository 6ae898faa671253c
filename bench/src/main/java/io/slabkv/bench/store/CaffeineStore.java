package io.slabkv.bench.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * A Caffeine {@link Cache Cache&lt;Long, byte[]&gt;} bounded by entry count (twice the loaded
 * entries, so nothing is evicted while measuring) with its default maintenance executor. Puts copy
 * the client's bytes and gets hand back the cached array, as for {@link ConcurrentHashMapStore}.
 */
public final class CaffeineStore implements KvStore {

    private final Cache<Long, byte[]> cache;
    private final int valueSize;

    public CaffeineStore(int entries, int valueSize) {
        this.valueSize = valueSize;
        this.cache = Caffeine.newBuilder()
                .initialCapacity(entries)
                .maximumSize(2L * entries + 1024)
                .build();
    }

    @Override
    public Client client() {
        return new Client() {
            private byte[] value = new byte[valueSize];

            @Override
            public void setValue(byte[] v) {
                value = v.clone();
            }

            @Override
            public void put(long key) {
                cache.put(key, value.clone());
            }

            @Override
            public int get(long key) {
                byte[] v = cache.getIfPresent(key);
                return v == null ? MISS : v.length;
            }

            @Override
            public boolean remove(long key) {
                return cache.asMap().remove(key) != null;
            }
        };
    }

    @Override
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    @Override
    public byte[] read(long key) {
        byte[] v = cache.getIfPresent(key);
        return v == null ? null : v.clone();
    }

    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }

    @Override
    public String toString() {
        return "Caffeine";
    }
}
