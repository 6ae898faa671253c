package io.slabkv.bench.evict;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;

/**
 * A Caffeine {@link Cache Cache&lt;Long, byte[]&gt;} bounded by weight, as a user bounds a cache by
 * payload: the weigher charges each entry its key and value bytes ({@value Payload#KEY_SIZE} +
 * {@value Payload#VALUE_SIZE}), and {@code maximumWeight} is {@code held} times that, so it holds
 * exactly {@code held} entries once maintenance has run. Java object headers, the boxed key and
 * Caffeine's node are not charged: Caffeine has no way to know them, and the limit is set so that
 * the three stores hold the same entries, not the same bytes.
 *
 * <p>Maintenance (eviction included) runs on Caffeine's default executor,
 * {@code ForkJoinPool.commonPool()}, as a user who sets none has it; writers run it themselves when
 * the write buffer fills. That is the counterpart of slabkv's background monitor: eviction off the
 * caller's thread when the machine has a core for it, on the caller's when it falls behind. A put
 * stores a copy of the client's bytes (the allocation is Caffeine's cost: it keeps a Java object per
 * value); a get hands back the cached array.
 */
final class CaffeineEvictingStore implements EvictingStore {

    private static final int WEIGHT = Payload.KEY_SIZE + Payload.VALUE_SIZE;

    private final Cache<Long, byte[]> cache;
    private final long held;

    CaffeineEvictingStore(long held) {
        this.held = held;
        this.cache = Caffeine.newBuilder()
                .initialCapacity((int) Math.min(Integer.MAX_VALUE, held))
                .maximumWeight(held * WEIGHT)
                .weigher((Long key, byte[] value) -> Long.BYTES + value.length)
                .build();
    }

    @Override
    public Client client() {
        return new Client() {
            private final byte[] value = Payload.newBuffer();
            private byte[] last;

            @Override
            public int get(long key) {
                byte[] v = cache.getIfPresent(key);
                if (v == null) {
                    return MISS;
                }
                last = v;
                return v.length;
            }

            @Override
            public void put(long key) {
                byte[] v = value.clone();
                Payload.stamp(v, key);
                cache.put(key, v);
            }

            @Override
            public byte[] lastValue() {
                return last == null ? null : last.clone();
            }
        };
    }

    @Override
    public long entries() {
        return cache.estimatedSize();
    }

    /** Runs pending maintenance on the calling thread. */
    @Override
    public void settle() {
        cache.cleanUp();
    }

    /** The weighted size: {@value #WEIGHT} per entry. */
    @Override
    public long charged() {
        return eviction().weightedSize().orElseThrow();
    }

    @Override
    public long limit() {
        return eviction().getMaximum();
    }

    private Policy.Eviction<Long, byte[]> eviction() {
        return cache.policy().eviction().orElseThrow();
    }

    @Override
    public String describeLimit() {
        return String.format("maximumWeight %,d = %,d entries x %d (key + value bytes); default executor",
                limit(), held, WEIGHT);
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
