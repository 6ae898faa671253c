package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The store as a cache: it stays inside its limit, and pages move to the size class that needs them. */
class EvictionTest {

    private static SlabKV store(long limit) {
        // maxIndexLoad(0.9): the small values must fill the memory before the index stops them
        // (the workload shift needs pages full of small entries to move).
        return SlabKV.builder().memoryLimit(limit).expectedEntries(50_000).pageSize(64 << 10)
                .regionSize(1 << 20).backgroundMonitor(false).maxIndexLoad(0.9).build();
    }

    @Test
    void reservedBytesNeverExceedTheLimitUnderRandomSizes() {
        long limit = 8L << 20;
        try (SlabKV kv = store(limit); Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(4000);
            SplittableRandom rnd = new SplittableRandom(7);
            long indexBytes = kv.stats().indexBytes();
            for (int i = 0; i < 200_000; i++) {
                kv.put(rnd.nextLong(40_000), v.asSlice(0, rnd.nextInt(1, 4000)));
                if (i % 1000 == 0) {
                    kv.maintain();
                }
                // Every step, cheaply: pages reserved plus the index, what stats() reports as reserved.
                long reserved = ((io.slabkv.engine.store.Store) kv).allocator().reservedBytes() + indexBytes;
                assertTrue(reserved <= limit, "step " + i + ": reserved " + reserved + " > limit " + limit);
            }
            StoreStats s = kv.stats();
            System.out.println("random sizes: " + s);
            assertTrue(s.evictions() > 0);
        }
    }

    @Test
    void workloadShiftMovesPagesToTheNewSizeClass() {
        long limit = 8L << 20;
        try (SlabKV kv = store(limit); Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(40);
            MemorySegment large = arena.allocate(2000);
            MemorySegment dst = arena.allocate(2000);
            for (long k = 0; k < 200_000; k++) {
                kv.put(k, small);
            }
            StoreStats before = kv.stats();
            // Now only large values, over a key set that fits: 2,000 keys x ~2 KiB = 4 MiB.
            int hits = 0;
            int reads = 0;
            for (int round = 0; round < 20; round++) {
                for (long k = 1_000_000; k < 1_002_000; k++) {
                    if (round > 2) {
                        reads++;
                        if (kv.get(k, dst) == 2000) {
                            hits++;
                        }
                    }
                    if (round <= 2 || kv.get(k, dst) == SlabKV.MISS) {
                        kv.put(k, large);
                    }
                }
                kv.maintain();
            }
            StoreStats after = kv.stats();
            double ratio = (double) hits / reads;
            System.out.printf("workload shift: before %s%nafter %s%nlarge-value hit ratio %.4f%n", before, after, ratio);
            assertTrue(after.pagesRecycled() > 0, "pages moved between classes: " + after);
            assertTrue(ratio > 0.95, "hit ratio of large values after the shift " + ratio);
        }
    }

    @Test
    void loweringTheLimitReleasesRegionsAndRaisingItLetsTheStoreGrow() {
        try (SlabKV kv = store(16L << 20); Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(500);
            for (long k = 0; k < 25_000; k++) {
                kv.put(k, v);
            }
            long before = kv.stats().bytesReserved();
            kv.setMemoryLimit(6L << 20);
            StoreStats low = kv.stats();
            assertTrue(low.bytesReserved() <= 6L << 20, low.toString());
            assertTrue(low.regionsReleased() > 0, low.toString());
            kv.setMemoryLimit(16L << 20);
            for (long k = 0; k < 25_000; k++) {
                kv.put(k, v);
            }
            StoreStats high = kv.stats();
            System.out.printf("limit: reserved %d -> %d (limit 6 MiB) -> %d (16 MiB)%n", before, low.bytesReserved(),
                    high.bytesReserved());
            assertTrue(high.bytesReserved() > low.bytesReserved());
            assertEquals(16L << 20, kv.memoryLimit());
        }
    }
}
