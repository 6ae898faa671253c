package io.slabkv;

import io.slabkv.arena.AllocatorStats;

/**
 * A snapshot of a store's counters. Each counter is exact; the snapshot is not atomic while other
 * threads run operations.
 *
 * @param hits                 gets that found a live entry (containsKey counts neither a hit nor a miss)
 * @param misses               gets that found none, or found it expired
 * @param puts                 entries written (put, putIfAbsent and replace that stored a value)
 * @param removes              entries removed by {@code remove}
 * @param expirations          expired entries taken out of the index (by a write that met them or the sweep)
 * @param entries              entries in the index, expired ones not yet swept included
 * @param bytesUsed            bytes in entry chunks plus the index
 * @param bytesReserved        bytes taken from the OS: pages reserved plus the index
 * @param memoryLimit          the limit on {@code bytesReserved}
 * @param indexBytes           bytes of the index
 * @param indexSlots           slots in the index
 * @param tombstones           index slots holding a removed-entry marker
 * @param evictionsPressure    entries evicted by the monitor above the high watermark
 * @param evictionsInline      entries evicted by puts that met the hard limit
 * @param evictionsExpired     expired entries removed by the monitor's sweep
 * @param evictionsPageRecycle entries evicted to empty a page for another size class or a lower limit
 * @param bytesFreed           chunk bytes freed by all evictions
 * @param pagesRecycled        pages emptied for another size class or a lower limit
 * @param regionsReleased      regions given back to the OS
 * @param monitorChecks        duty cycles the monitor ran
 * @param pressure             bytesUsed / memoryLimit now
 * @param peakPressure         the highest pressure the monitor saw
 * @param peakReservedBytes    the highest bytesReserved so far
 * @param evictionPolicy       the eviction policy's name
 * @param sketchBytes          bytes of the key frequency sketch of the admission window (0 without one): a
 *                             {@code long[]} on the Java heap, <b>not</b> counted in {@code bytesReserved}
 *                             or against {@code memoryLimit}
 * @param allocator            the entry allocator's own statistics (per size class)
 */
public record StoreStats(long hits, long misses, long puts, long removes, long expirations, long entries,
                         long bytesUsed, long bytesReserved, long memoryLimit, long indexBytes,
                         long indexSlots, long tombstones, long evictionsPressure, long evictionsInline,
                         long evictionsExpired, long evictionsPageRecycle, long bytesFreed, long pagesRecycled,
                         long regionsReleased, long monitorChecks, double pressure, double peakPressure,
                         long peakReservedBytes, String evictionPolicy, long sketchBytes,
                         AllocatorStats allocator) {

    /** hits / (hits + misses), or 0 before the first get. */
    public double hitRatio() {
        long total = hits + misses;
        return total == 0 ? 0 : (double) hits / total;
    }

    /** Evictions of every cause. */
    public long evictions() {
        return evictionsPressure + evictionsInline + evictionsExpired + evictionsPageRecycle;
    }

    @Override
    public String toString() {
        return String.format("entries %,d; hits %,d, misses %,d (hit ratio %.4f); puts %,d, removes %,d, "
                        + "expirations %,d; evictions %,d (pressure %,d, inline %,d, expired %,d, page recycle %,d), "
                        + "%,d bytes freed, %,d pages recycled, %,d regions released; used %,d / reserved %,d / "
                        + "limit %,d bytes (pressure %.3f, peak %.3f); index %,d slots (%,d bytes, %,d tombstones); "
                        + "policy %s (frequency sketch %,d bytes, on the heap, outside the limit); monitor checks %,d",
                entries, hits, misses, hitRatio(), puts, removes, expirations, evictions(), evictionsPressure,
                evictionsInline, evictionsExpired, evictionsPageRecycle, bytesFreed, pagesRecycled, regionsReleased,
                bytesUsed, bytesReserved, memoryLimit, pressure, peakPressure, indexSlots, indexBytes, tombstones,
                evictionPolicy, sketchBytes, monitorChecks);
    }
}
