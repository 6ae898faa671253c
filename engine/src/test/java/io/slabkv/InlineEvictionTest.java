package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Eviction at the hard limit (no monitor runs): once every size class holds pages, a put makes room
 * by evicting a cold entry of its own class, and empties a whole page only for a class that is
 * short of memory. Draining a page whenever the single best sampled victim was of another class
 * threw away pages of entries, warm or not, for most puts once values spread over many classes.
 */
class InlineEvictionTest {

    @Test
    void sampledLruEvictsWithinTheClassAndKeepsTheHotSet() {
        StoreStats s = replay(Eviction.SAMPLED_LRU);
        // Recency alone ranks the classes alike: no class is short of memory for long.
        assertTrue(s.evictionsPageRecycle() < s.evictions() / 5, "page drains are a small share of evictions: " + s);
    }

    @Test
    void sizeAwareKeepsTheHotSet() {
        replay(Eviction.SIZE_AWARE); // it moves pages to the classes of small values, by design
    }

    /** Replays a hot set and a scan at the hard limit; checks the hot set stays; returns the statistics. */
    private static StoreStats replay(Eviction policy) {
        try (SlabKV kv = SlabKV.builder().memoryLimit(2L << 20).maxMemoryLimit(2L << 20).expectedEntries(8_000)
                .pageSize(16 << 10).eviction(policy).backgroundMonitor(false).build(); Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(1000);
            MemorySegment dst = arena.allocate(1000);
            SplittableRandom rnd = new SplittableRandom(11);
            // Values of 100 to 1,000 bytes (about ten size classes), fixed per key. A hot set of 300 keys
            // (~165 KB) gets half the reads; the other half scan 75,000 cold keys once each.
            long hotReads = 0, hotHits = 0, cold = 0;
            for (int i = 0; i < 150_000; i++) {
                boolean hot = rnd.nextBoolean();
                long key = hot ? rnd.nextInt(300) : 1_000 + cold++;
                int size = 100 + (int) Math.floorMod(key * 0x9E3779B97F4A7C15L >>> 7, 901L);
                int n = kv.get(key, dst);
                if (hot && i > 30_000) {
                    hotReads++;
                    hotHits += n == size ? 1 : 0;
                }
                if (n != size) {
                    kv.put(key, value.asSlice(0, size));
                }
            }
            StoreStats s = kv.stats();
            double hotRatio = (double) hotHits / hotReads;
            System.out.printf("inline eviction, %s: %s%nhot-set hit ratio %.4f%n", policy, s, hotRatio);
            assertTrue(s.evictionsPressure() == 0 && s.evictions() > 50_000, "puts evicted inline: " + s);
            assertTrue(hotRatio > 0.95, "hot-set hit ratio " + hotRatio);
            return s;
        }
    }
}
