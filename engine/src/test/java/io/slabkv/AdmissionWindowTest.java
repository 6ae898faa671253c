package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * The size-aware policy's admission window (W-TinyLFU on sampled eviction, see
 * io.slabkv.engine.evict.AdmissionWindow) on hand-built access patterns, against the same policy
 * without window and sketch and against sampled LRU. No monitor: only puts evict.
 */
class AdmissionWindowTest {

    private static final int VALUE = 200;

    private static SlabKV.Builder builder() {
        return SlabKV.builder().memoryLimit(1L << 20).maxMemoryLimit(1L << 20).expectedEntries(8_000)
                .pageSize(16 << 10).backgroundMonitor(false);
    }

    private static SlabKV withWindow() {
        return builder().build(); // the default: size-aware, 1 % window, sketch
    }

    private static SlabKV withoutWindow() {
        return builder().admissionWindow(0).frequencySketch(false).build();
    }

    private static SlabKV sampledLru() {
        return builder().eviction(Eviction.SAMPLED_LRU).build();
    }

    /** Entries of {@value #VALUE}-byte values the store holds at its limit. */
    private static long capacity(SlabKV kv, MemorySegment value) {
        for (long k = 0; k < 100_000; k++) {
            kv.put(-1 - k, value);
        }
        long n = kv.size();
        kv.clear();
        return n;
    }

    /** Cache-aside over a loop of 1.25 x capacity keys; the hit ratio of the last 10 of 40 passes. */
    private static double loop(SlabKV kv) {
        try (kv; Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(VALUE);
            MemorySegment dst = arena.allocate(VALUE);
            long keys = capacity(kv, value) * 5 / 4;
            long hits = 0, reads = 0;
            for (int pass = 0; pass < 40; pass++) {
                for (long k = 0; k < keys; k++) {
                    boolean found = kv.get(k, dst) == VALUE;
                    if (!found) {
                        kv.put(k, value);
                    }
                    if (pass >= 30) {
                        reads++;
                        hits += found ? 1 : 0;
                    }
                }
            }
            return (double) hits / reads;
        }
    }

    @Test
    void aLoopSlightlyLargerThanTheCacheKeepsAStableSubset() {
        double window = loop(withWindow());
        double noWindow = loop(withoutWindow());
        double lru = loop(sampledLru());
        System.out.printf("loop of 1.25 x capacity: hit ratio with window %.4f, without %.4f, sampled LRU %.4f%n",
                window, noWindow, lru);
        assertTrue(lru < 0.15, "sampled LRU evicts what the loop asks for next: " + lru);
        assertTrue(window > 0.4 && window > noWindow + 0.1,
                "window entries that lose their duel go, the loop's admitted part stays: " + window
                        + " against " + noWindow + " without window");
    }

    /**
     * Fills the store, reads 200 keys 8 times each, then writes 3 x capacity one-time keys (never
     * read); returns how many of the 200 are still there.
     */
    private static int survivorsOfScan(SlabKV kv) {
        try (kv; Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(VALUE);
            MemorySegment dst = arena.allocate(VALUE);
            long capacity = capacity(kv, value);
            for (long k = 0; k < capacity; k++) {
                kv.put(1_000_000 + k, value);
            }
            for (long k = 0; k < 200; k++) {
                kv.put(k, value);
            }
            for (int round = 0; round < 8; round++) {
                for (long k = 0; k < 200; k++) {
                    kv.get(k, dst);
                }
            }
            for (long k = 0; k < 3 * capacity; k++) {
                kv.put(2_000_000 + k, value);
            }
            int after = 0;
            for (long k = 0; k < 200; k++) {
                after += kv.containsKey(k) ? 1 : 0;
            }
            return after;
        }
    }

    @Test
    void aFrequentlyReadSetSurvivesAScanOfOneTimeKeys() {
        int window = survivorsOfScan(withWindow());
        int lru = survivorsOfScan(sampledLru());
        System.out.printf("scan of 3 x capacity one-time keys: %d of 200 read-often keys stay with window,"
                + " %d with sampled LRU%n", window, lru);
        assertTrue(lru < 20, "sampled LRU loses the read-often keys to the scan: " + lru);
        assertTrue(window >= 180, "the scan's keys leave the window without beating them: " + window);
    }

    /**
     * A store at its limit whose entries were each read once; then 100 new keys read three times
     * right after their write (inside their window) and 100 new keys not read, then half a capacity
     * of one-time keys; returns {read ones left, unread ones left}.
     */
    private static int[] recency(SlabKV kv) {
        try (kv; Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(VALUE);
            MemorySegment dst = arena.allocate(VALUE);
            long capacity = capacity(kv, value);
            for (long k = 0; k < 2 * capacity; k++) {
                kv.put(1_000_000 + k, value);
            }
            for (long k = 0; k < 2 * capacity; k++) {
                kv.get(1_000_000 + k, dst);
            }
            for (long k = 0; k < 100; k++) {
                kv.put(k, value);
                assertEquals(VALUE, kv.get(k, dst), "a put at the limit is stored, never declined");
                kv.get(k, dst);
                kv.get(k, dst);
                kv.put(1_000 + k, value);
            }
            for (long k = 0; k < capacity / 2; k++) {
                kv.put(2_000_000 + k, value);
            }
            int read = 0, unread = 0;
            for (long k = 0; k < 100; k++) {
                read += kv.containsKey(k) ? 1 : 0;
                unread += kv.containsKey(1_000 + k) ? 1 : 0;
            }
            return new int[] {read, unread};
        }
    }

    @Test
    void aNewKeyReadInItsWindowIsAdmittedAndAnUnreadOneIsNot() {
        int[] r = recency(withWindow());
        System.out.printf("new keys read in their window: %d of 100 stay; unread: %d of 100%n", r[0], r[1]);
        assertTrue(r[0] >= 80, "keys read soon after their write are admitted: " + r[0]);
        assertTrue(r[1] <= r[0] - 40, "unread new keys lose their duel: " + r[1] + " against " + r[0]);
    }

    @Test
    void anAdmissionWindowOutOfRangeIsRefusedNamingTheRule() {
        for (double share : new double[] {-0.01, 0.51, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> builder().admissionWindow(share).build());
            assertTrue(e.getMessage().contains(String.valueOf(share)) && e.getMessage().contains("at most 0.5"),
                    e.getMessage());
        }
    }
}
