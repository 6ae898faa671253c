package io.slabkv.arena;

import java.util.List;

/**
 * A snapshot of a {@link SlabAllocator}'s accounting. Counters are exact; the snapshot is not
 * atomic across classes while other threads allocate.
 *
 * @param limitBytes       the memory limit on reserved bytes
 * @param reservedBytes    bytes taken from the page source (whole regions)
 * @param peakReservedBytes the highest {@code reservedBytes} so far (exact)
 * @param usedBytes        bytes in allocated chunks, counted at chunk size
 * @param peakUsedBytes    the highest {@code usedBytes} seen at a page refill (one that takes a page
 *                         from the pool, or that brings a class's refills from partial pages since
 *                         the last sample to a page's worth of free chunks), a run of pages or a
 *                         snapshot: within about a page per size class of the real peak
 * @param pageBytes        bytes of pages held by size classes
 * @param freePages        pages in the pool
 * @param regions          regions reserved
 * @param allocations      chunks handed out
 * @param reuses           of which from free lists
 * @param carves           of which carved fresh
 * @param frees            chunks freed
 * @param failuresAtLimit  allocations refused because the limit left no room
 * @param pendingReclaim   chunks and pages retired and still in their grace period
 * @param regionsReleased  regions given back to the page source before close
 * @param classes          per size class, only classes that hold pages or allocated once
 */
public record AllocatorStats(long limitBytes, long reservedBytes, long peakReservedBytes, long usedBytes,
                             long peakUsedBytes, long pageBytes, int freePages, int regions, long allocations,
                             long reuses, long carves, long frees, long failuresAtLimit, long pendingReclaim,
                             long regionsReleased,
                             List<SizeClassStats> classes) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(256 + 96 * classes.size());
        sb.append(String.format("reserved %,d / limit %,d (peak %,d); used %,d (peak %,d); pool %d pages; %d regions%n",
                reservedBytes, limitBytes, peakReservedBytes, usedBytes, peakUsedBytes, freePages, regions));
        sb.append(String.format("allocations %,d (reuses %,d, carves %,d), frees %,d, failures at limit %,d, pending reclaim %,d%n",
                allocations, reuses, carves, frees, failuresAtLimit, pendingReclaim));
        sb.append(String.format("%5s %9s %6s %12s %12s %7s%n", "class", "chunk", "pages", "used", "free", "frag%"));
        for (SizeClassStats c : classes) {
            sb.append(String.format("%5d %9d %6d %12d %12d %7.2f%n", c.sizeClass(), c.chunkSize(), c.pages(),
                    c.chunksUsed(), c.chunksFree(), 100 * c.fragmentation()));
        }
        return sb.toString();
    }
}
