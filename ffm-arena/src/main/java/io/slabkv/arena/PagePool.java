package io.slabkv.arena;

import java.lang.foreign.MemorySegment;

/**
 * The regions taken from a {@link PageSource} and the pages that no size class holds.
 *
 * <p>Region slot {@code r} covers page numbers {@code [r * pagesPerRegion, r * pagesPerRegion +
 * pageCount(r))}; a region smaller than the full size (the last one under a tight limit) uses a
 * prefix of its range. Every method is {@code synchronized}: the pool is touched only when a class
 * needs a new page or gives one back, a few times per MiB allocated.
 *
 * <p>Invariant: {@link #reserved()} never exceeds {@link #limit()} except transiently after the
 * limit was lowered and before enough pages came back to release whole regions.
 */
final class PagePool {

    private final PageSource source;
    private final int pageSize;
    private final int pagesPerRegion;
    private final MemorySegment[] pageMemory; // shared with the allocator; written here only
    private final Region[] regions;
    private final int[] regionPages;     // pages in region r (0 when the slot is empty)
    private final int[] regionFreePages; // of which in the pool
    private final int[] freeStack;       // page numbers in the pool
    private int freeCount;
    private long reserved;
    private long peakReserved;
    private long limit;
    private int regionCount;

    PagePool(PageSource source, int pageSize, long regionBytes, long limit, long maxLimit,
             MemorySegment[] pageMemory) {
        this.source = source;
        this.pageSize = pageSize;
        this.pagesPerRegion = (int) (regionBytes / pageSize);
        this.pageMemory = pageMemory;
        int maxPages = pageMemory.length;
        int maxRegions = (maxPages + pagesPerRegion - 1) / pagesPerRegion;
        this.regions = new Region[maxRegions];
        this.regionPages = new int[maxRegions];
        this.regionFreePages = new int[maxRegions];
        this.freeStack = new int[maxPages];
        this.limit = limit;
        assert maxLimit >= limit;
    }

    /**
     * Takes a page out of the pool, reserving a new region if the pool is empty and the limit
     * allows one. Returns -1 when neither is possible.
     */
    synchronized int take() {
        if (freeCount == 0 && !reserveRegion()) {
            return -1;
        }
        int page = freeStack[--freeCount];
        regionFreePages[page / pagesPerRegion]--;
        return page;
    }

    /** Puts a page whose grace period is over back into the pool and lets the source discard it. */
    synchronized void give(int page) {
        int r = page / pagesPerRegion;
        Region region = regions[r];
        region.discard((long) (page - r * pagesPerRegion) * pageSize, pageSize);
        freeStack[freeCount++] = page;
        regionFreePages[r]++;
        if (reserved > limit && regionFreePages[r] == regionPages[r]) {
            release(r);
        }
    }

    private boolean reserveRegion() {
        long room = (limit - reserved) / pageSize;
        int pages = (int) Math.min(pagesPerRegion, room);
        if (pages <= 0) {
            return false;
        }
        int slot = -1;
        for (int r = 0; r < regions.length; r++) {
            if (regions[r] == null) {
                slot = r;
                break;
            }
        }
        if (slot < 0) {
            return false;
        }
        long bytes = (long) pages * pageSize;
        Region region = source.reserve(bytes, pageSize);
        regions[slot] = region;
        regionPages[slot] = pages;
        regionFreePages[slot] = pages;
        regionCount++;
        reserved += bytes;
        peakReserved = Math.max(peakReserved, reserved);
        MemorySegment memory = region.memory();
        int first = slot * pagesPerRegion;
        for (int i = pages - 1; i >= 0; i--) { // lowest page on top of the stack
            pageMemory[first + i] = memory.asSlice((long) i * pageSize, pageSize);
            freeStack[freeCount++] = first + i;
        }
        return true;
    }

    /** Releases region {@code r}, all of whose pages are in the pool. */
    private void release(int r) {
        int first = r * pagesPerRegion;
        int last = first + regionPages[r];
        int kept = 0;
        for (int i = 0; i < freeCount; i++) {
            int p = freeStack[i];
            if (p < first || p >= last) {
                freeStack[kept++] = p;
            }
        }
        freeCount = kept;
        for (int p = first; p < last; p++) {
            pageMemory[p] = null;
        }
        reserved -= (long) regionPages[r] * pageSize;
        regionPages[r] = 0;
        regionFreePages[r] = 0;
        regionCount--;
        Region region = regions[r];
        regions[r] = null;
        region.release();
    }

    /**
     * Sets a new limit. Lowering it releases every region whose pages are all in the pool, until
     * the reservation fits; the caller empties more pages if it still does not.
     *
     * @return the bytes still reserved above the new limit (0 when it fits)
     */
    synchronized long setLimit(long newLimit) {
        limit = newLimit;
        for (int r = 0; r < regions.length && reserved > limit; r++) {
            if (regions[r] != null && regionFreePages[r] == regionPages[r]) {
                release(r);
            }
        }
        return Math.max(0, reserved - limit);
    }

    synchronized void close() {
        for (int r = 0; r < regions.length; r++) {
            if (regions[r] != null) {
                regionFreePages[r] = regionPages[r];
                release(r);
            }
        }
        freeCount = 0;
    }

    synchronized long reserved() {
        return reserved;
    }

    synchronized long peakReserved() {
        return peakReserved;
    }

    synchronized long limit() {
        return limit;
    }

    synchronized int freePages() {
        return freeCount;
    }

    synchronized int regions() {
        return regionCount;
    }

    String sourceName() {
        return source.name();
    }
}
