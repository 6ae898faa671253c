package io.slabkv.bench.store;

import org.caffinitas.ohc.OHCache;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An OHC off-heap cache {@code <Long, byte[]>} (linked implementation, default segments and LRU
 * eviction) with capacity well above the loaded bytes (slabkv's memory limit, {@link SlabKVStore#memoryLimit}) and hash tables presized for the entries, so
 * nothing is evicted or rehashed while measuring. Keys and values go through OHC's serializers; a
 * get deserializes into a new array, OHC's only copy-out path ({@code getDirect} allocates a view
 * instead).
 */
public final class OhcStore implements KvStore {

    private final OHCache<Long, byte[]> cache;
    private final int valueSize;

    public OhcStore(int entries, int valueSize) {
        this.valueSize = valueSize;
        this.cache = OhcCodecs.presized(OhcCodecs.builder(SlabKVStore.memoryLimit(entries, valueSize)), entries).build();
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
                cache.put(key, value);
            }

            @Override
            public int get(long key) {
                byte[] v = cache.get(key);
                return v == null ? MISS : v.length;
            }

            @Override
            public boolean remove(long key) {
                return cache.remove(key);
            }
        };
    }

    @Override
    public long size() {
        return cache.size();
    }

    /**
     * {@link OHCache#memUsed()} (the entries' allocations, what its capacity accounts for) plus the
     * segments' hash tables (8 bytes per bucket), which OHC allocates outside its capacity.
     */
    @Override
    public long offHeapBytes() {
        long buckets = 0;
        for (int n : cache.hashTableSizes()) {
            buckets += n;
        }
        return cache.memUsed() + buckets * Long.BYTES;
    }

    @Override
    public byte[] read(long key) {
        return cache.get(key);
    }

    @Override
    public void close() {
        try {
            cache.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "OHC";
    }
}
