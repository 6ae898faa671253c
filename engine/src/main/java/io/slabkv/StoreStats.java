package io.slabkv;

import io.slabkv.arena.AllocatorStats;

/**
 * A snapshot of a store's counters. Each counter is exact; the snapshot is not atomic while other
 * threads run operations.
 *
 * @param hits           gets (and containsKey) that found a live entry
 * @param misses         gets that found none, or found it expired
 * @param puts           entries written (put, putIfAbsent and replace that stored a value)
 * @param removes        entries removed by {@code remove}
 * @param expirations    expired entries taken out of the index
 * @param entries        entries in the index, expired ones not yet swept included
 * @param bytesUsed      bytes in entry chunks plus the index
 * @param bytesReserved  bytes taken from the OS: pages reserved plus the index
 * @param memoryLimit    the limit on {@code bytesReserved}
 * @param indexBytes     bytes of the index
 * @param indexSlots     slots in the index
 * @param tombstones     index slots holding a removed-entry marker
 * @param allocator      the entry allocator's own statistics (per size class)
 */
public record StoreStats(long hits, long misses, long puts, long removes, long expirations, long entries,
                         long bytesUsed, long bytesReserved, long memoryLimit, long indexBytes,
                         long indexSlots, long tombstones, AllocatorStats allocator) {

    /** hits / (hits + misses), or 0 before the first get. */
    public double hitRatio() {
        long total = hits + misses;
        return total == 0 ? 0 : (double) hits / total;
    }

    @Override
    public String toString() {
        return String.format("entries %,d; hits %,d, misses %,d (hit ratio %.4f); puts %,d, removes %,d, "
                        + "expirations %,d; used %,d / reserved %,d / limit %,d bytes; index %,d slots (%,d bytes, "
                        + "%,d tombstones)",
                entries, hits, misses, hitRatio(), puts, removes, expirations, bytesUsed, bytesReserved,
                memoryLimit, indexSlots, indexBytes, tombstones);
    }
}
