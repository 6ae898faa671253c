package io.slabkv.bench.evict;

import io.slabkv.bench.store.OhcCodecs;
import org.caffinitas.ohc.OHCache;
import org.caffinitas.ohc.OHCacheBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An OHC off-heap cache {@code <Long, byte[]>} (linked implementation, default segments, its own LRU
 * eviction) whose {@code capacity} holds {@code held} entries: OHC charges an entry
 * {@value #ENTRY_BYTES} bytes against its capacity (a 64-byte header, the key rounded up to 8 bytes
 * and the value: {@code Util.allocLen} in OHC 0.7.4), so capacity = {@code held} x
 * {@value #ENTRY_BYTES}. Capacity is split evenly between segments and each segment evicts on its own,
 * so it holds slightly less when keys spread unevenly. Hash tables are presized for {@code held} entries
 * (OHC allocates them outside its capacity).
 *
 * <p>Keys and values go through OHC's serializers; a get deserializes into a new array, OHC's only
 * copy-out path ({@code getDirect} allocates a view instead). Entries are allocated with OHC's
 * default allocator (JNA {@code malloc}/{@code free}).
 */
final class OhcEvictingStore implements EvictingStore {

    /** OHC's charge per entry: header 64 + key (8, already a multiple of 8) + value. */
    static final int ENTRY_BYTES = 64 + Payload.KEY_SIZE + Payload.VALUE_SIZE;

    private final OHCache<Long, byte[]> cache;
    private final long held;
    private final int segments;

    OhcEvictingStore(long held) {
        this.held = held;
        OHCacheBuilder<Long, byte[]> b = OhcCodecs.builder(held * ENTRY_BYTES);
        this.segments = b.getSegmentCount();
        this.cache = OhcCodecs.presized(b, held).build();
    }

    @Override
    public Client client() {
        return new Client() {
            private final byte[] value = Payload.newBuffer();
            private byte[] last;

            @Override
            public int get(long key) {
                byte[] v = cache.get(key);
                if (v == null) {
                    return MISS;
                }
                last = v;
                return v.length;
            }

            @Override
            public void put(long key) {
                Payload.stamp(value, key);
                cache.put(key, value); // serialized (copied) before put returns
            }

            @Override
            public byte[] lastValue() {
                return last == null ? null : last.clone();
            }
        };
    }

    @Override
    public long entries() {
        return cache.size();
    }

    /** Nothing to wait for: OHC evicts inside put. */
    @Override
    public void settle() {
    }

    /** {@link OHCache#memUsed()}: the entries' allocations, what the capacity bounds. */
    @Override
    public long charged() {
        return cache.memUsed();
    }

    @Override
    public long limit() {
        return cache.capacity();
    }

    @Override
    public String describeLimit() {
        return String.format("capacity %,d B = %,d entries x %d B (OHC's charge per entry), %d segments",
                limit(), held, ENTRY_BYTES, segments);
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
