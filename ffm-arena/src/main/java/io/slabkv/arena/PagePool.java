package io.slabkv.arena;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The regions taken from a {@link PageSource} and the pages that no size class holds.
 *
 * <p>A region of {@code n} pages covers {@code n} consecutive page numbers, the first run of
 * unused numbers found (first fit). Numbers are not tied to fixed per-region slots: a region
 * smaller than the full size (reserved under a tight limit) would otherwise strand the rest of
 * its slot's numbers, and raising the limit later could not reach the maximum limit. Every method is {@code synchronized}: the pool is touched only when a
 * class needs a new page or gives one back, a few times per MiB allocated.
 *
 * <p>Pages in the pool are interchangeable for a size class ({@link #take()}), but a run of pages
 * for a value larger than a page ({@link #takeRun}) needs consecutive page numbers of one region,
 * whose memory is contiguous: so the pool also keeps a bitmap of its pages, searched for a run.
 *
 * <p>Invariant: {@link #reserved()} never exceeds {@link #limit()} except transiently after the
 * limit was lowered and before enough pages came back to release whole regions.
 */
final class PagePool {

    /** One reserved region: page numbers {@code [first, first + pages)}. */
    private static final class Block {
        final Region region;
        final int first;
        final int pages;
        int free; // of which in the pool

        Block(Region region, int first, int pages) {
            this.region = region;
            this.first = first;
            this.pages = pages;
            this.free = pages;
        }
    }

    private final PageSource source;
    private final int pageSize;
    private final int pagesPerRegion;
    private final PageTable table;             // shared with the allocator; its leaves made here
    // Per page number, only under this pool's lock, so they grow by copying as page numbers come
    // into use (up to maxPages): their heap follows the pages reserved, as the page table's does.
    private Block[] pageBlock = new Block[0]; // the region of each page number; null while unused
    private int[] freeStack = new int[0];     // page numbers in the pool
    private int[] stackPos = new int[0];      // each pooled page's index in freeStack (for takeRun)
    // For runs, allocation-free after the first use of a page as a run's head: the page's memory to
    // the end of its region (made once, kept until the region is released), and the page's own
    // one-page segment while its page table entry names a run.
    private MemorySegment[] toRegionEnd = new MemorySegment[0];
    private MemorySegment[] ownPage = new MemorySegment[0];
    private final BitSet pooled = new BitSet(); // the page numbers in freeStack
    private int freeCount;
    private long reserved;
    private long peakReserved;
    private long limit;
    private int regionCount;
    private long released;
    private volatile int highWater; // one past the highest page number ever reserved
    // A run waiting for pages (see hold): pooled pages in `held` go to no size class (take) while the
    // hold lasts. holder null: no hold.
    private final BitSet held = new BitSet();
    private Thread holder;
    private long heldUntil;

    PagePool(PageSource source, int pageSize, long regionBytes, long limit, long maxLimit,
             PageTable table) {
        this.source = source;
        this.pageSize = pageSize;
        this.table = table;
        this.pagesPerRegion = (int) Math.max(1, Math.min(regionBytes / pageSize, table.maxPages));
        this.limit = limit;
        assert maxLimit >= limit;
    }

    /**
     * Takes a page out of the pool, reserving a new region if the pool is empty and the limit
     * allows one. Returns -1 when neither is possible, and while more is reserved than a lowered
     * limit allows (so emptied pages stay free until whole regions can be released).
     */
    synchronized int take() {
        if (reserved > limit) {
            return -1; // the limit was lowered: pages in the pool wait for their region's release
        }
        int at = topUnheld();
        if (at < 0 && (!reserveRegion() || (at = topUnheld()) < 0)) {
            return -1;
        }
        int page = freeStack[at];
        unpool(page);
        return page;
    }

    /**
     * The index in freeStack of the pooled page nearest its top that no run holds, or -1. Without a
     * hold (the common case) the top itself; with one, at most the held pages are passed over.
     */
    private int topUnheld() {
        boolean holding = holding();
        for (int i = freeCount - 1; i >= 0; i--) {
            if (!holding || !held.get(freeStack[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Whether a hold lasts now; ends an expired one (a holder that never released it costs its pages no longer). */
    private boolean holding() {
        if (holder != null && System.nanoTime() - heldUntil >= 0) {
            endHold();
        }
        return holder != null;
    }

    private void endHold() {
        held.clear();
        holder = null;
    }

    /**
     * Holds pages {@code [first, first + pages)} for a run the calling thread waits for: while the
     * hold lasts (until {@link #unhold}, or {@code nanos} from now), {@link #take()} gives none of
     * them to a size class as they come back to the pool, so the run finds them together. Without
     * it a run put at the limit emptied a window of pages for nothing whenever concurrent puts of
     * small entries took its pages one by one as they returned (its loop then ran to its deadline
     * and threw).
     * <p>
     * A thread that holds pages already adds these to them (a run's put may empty several windows
     * before one comes back whole; holding only the latest dropped the earlier, emptier ones, the
     * likeliest to complete), up to {@value #MAX_HELD_WINDOWS} windows' worth: beyond that the
     * earliest windows keep their hold and these are not added (false). One holder at a time:
     * refused (false) while another thread's hold lasts.
     */
    synchronized boolean hold(int first, int pages, long nanos) {
        Thread me = Thread.currentThread();
        if (holding() && holder != me) {
            return false;
        }
        // No hold lasts (any expired one is ended, its pages cleared), or this thread's own: add to it.
        holder = me;
        heldUntil = System.nanoTime() + nanos;
        if (held.cardinality() + pages > (long) MAX_HELD_WINDOWS * pages) {
            return false;
        }
        held.set(first, first + pages);
        return true;
    }

    /** Windows' worth of pages one holder may hold (see {@link #hold}). */
    static final int MAX_HELD_WINDOWS = 4;

    /** Pages held for a run now (see {@link #hold}); 0 without a hold. */
    synchronized int heldPages() {
        return holding() ? held.cardinality() : 0;
    }

    /** Ends the calling thread's hold, if it has one. */
    synchronized void unhold() {
        if (holder == Thread.currentThread()) {
            endHold();
        }
    }

    /** The most pages {@link #takeRun} can ever return: one region's worth. */
    int maxRunPages() {
        return pagesPerRegion;
    }

    /**
     * Takes {@code pages} consecutive pages of one region out of the pool (reserving a new region
     * if no such run is free and the limit allows one) and points the first page's entry of the
     * page table at the memory from that page to the end of its region, so a chunk handle naming the
     * page reaches every byte of the run. (To the region's end, not the run's: that segment is made
     * once per page and reused, so a run costs no allocation; entries carry their own lengths.)
     * Returns the first page, or -1.
     */
    synchronized int takeRun(int pages) {
        if (reserved > limit || pages > pagesPerRegion) {
            return -1;
        }
        int first = findRun(pages);
        while (first < 0 && reserved < limit && reserveRegion()) {
            first = findRun(pages); // a region smaller than the run (a tight limit) may not do: go on
        }
        if (first < 0) {
            return -1;
        }
        for (int p = first; p < first + pages; p++) {
            unpool(p);
        }
        Block b = pageBlock[first];
        if (toRegionEnd[first] == null) {
            toRegionEnd[first] = b.region.memory().asSlice((long) (first - b.first) * pageSize);
        }
        ownPage[first] = memory(first);
        memory(first, toRegionEnd[first]);
        return first;
    }

    /**
     * Ends the run that starts at {@code first}: its page table entry covers one page again. Each of
     * the run's pages then comes back through {@link #give}.
     */
    synchronized void endRun(int first) {
        memory(first, ownPage[first]);
        ownPage[first] = null;
    }

    /** The first of {@code pages} consecutive pooled pages inside one region, or -1. */
    private int findRun(int pages) {
        for (int p = pooled.nextSetBit(0); p >= 0; p = pooled.nextSetBit(p)) {
            int end = pooled.nextClearBit(p);
            // [p, end) is pooled, but may span regions that happen to have adjacent numbers.
            while (end - p >= pages) {
                Block b = pageBlock[p];
                int stop = Math.min(end, b.first + b.pages);
                if (stop - p >= pages) {
                    return p;
                }
                p = stop;
            }
            p = end;
        }
        return -1;
    }

    /** Takes pooled page {@code page} out of freeStack (swapping the top into its place). */
    private void unpool(int page) {
        int at = stackPos[page];
        int top = freeStack[--freeCount];
        freeStack[at] = top;
        stackPos[top] = at;
        pooled.clear(page);
        pageBlock[page].free--;
    }

    private void push(int page) {
        stackPos[page] = freeCount;
        freeStack[freeCount++] = page;
        pooled.set(page);
    }

    /** Puts a page whose grace period is over back into the pool and lets the source discard it. */
    synchronized void give(int page) {
        Block b = pageBlock[page];
        b.region.discard((long) (page - b.first) * pageSize, pageSize);
        push(page);
        b.free++;
        if (reserved > limit && b.free == b.pages) {
            release(b);
        }
    }

    private boolean reserveRegion() {
        long room = (limit - reserved) / pageSize;
        int want = (int) Math.min(pagesPerRegion, room);
        if (want <= 0) {
            return false;
        }
        // First fit: the first run of unused page numbers that is `want` long, else the longest run
        // (released regions can leave shorter gaps; the region is then smaller, the next one fills on).
        int first = -1;
        int pages = 0;
        for (int p = 0; p < table.maxPages && pages < want; ) {
            Block b = block(p);
            if (b != null) {
                p = b.first + b.pages;
                continue;
            }
            int start = p;
            while (p < table.maxPages && block(p) == null && p - start < want) {
                p++;
            }
            if (p - start > pages) {
                first = start;
                pages = p - start;
            }
        }
        if (pages == 0) {
            return false; // cannot happen while reserved < limit <= maximum limit; kept as a guard
        }
        long bytes = (long) pages * pageSize;
        // The heap first: an OutOfMemoryError between reserving the region and filing it would lose
        // the region (open, uncounted, never released). Leaves made for a reservation that then
        // fails are harmless: nothing names their pages yet, and the next reservation uses them.
        // And the leaves before the pages are published below (the free stack, the high-water mark).
        grow(first + pages);
        table.ensure(first, pages);
        Region region = source.reserve(bytes, pageSize);
        Block block = new Block(region, first, pages);
        regionCount++;
        reserved += bytes;
        peakReserved = Math.max(peakReserved, reserved);
        MemorySegment memory = region.memory();
        for (int i = pages - 1; i >= 0; i--) { // lowest page on top of the stack
            pageBlock[first + i] = block;
            memory(first + i, memory.asSlice((long) i * pageSize, pageSize));
            push(first + i);
        }
        // Volatile write after the leaves and segments: a sampler that reads it finds them.
        highWater = Math.max(highWater, first + pages);
        return true;
    }

    /** The region of page number {@code p}, or null (unused, or beyond the arrays grown so far). */
    private Block block(int p) {
        return p < pageBlock.length ? pageBlock[p] : null;
    }

    /** Grows the pool's per-page arrays to cover page numbers below {@code pages} (doubling, up to maxPages). */
    private void grow(int pages) {
        if (pages <= pageBlock.length) {
            return;
        }
        int n = (int) Math.min(table.maxPages, Math.max(pages, 2L * pageBlock.length));
        pageBlock = Arrays.copyOf(pageBlock, n);
        freeStack = Arrays.copyOf(freeStack, n);
        stackPos = Arrays.copyOf(stackPos, n);
        toRegionEnd = Arrays.copyOf(toRegionEnd, n);
        ownPage = Arrays.copyOf(ownPage, n);
    }

    /** Page {@code p}'s page table segment (its leaf exists: a region covers it). */
    private MemorySegment memory(int p) {
        return table.memory[PageTable.hi(p)][PageTable.lo(p)];
    }

    private void memory(int p, MemorySegment segment) {
        table.memory[PageTable.hi(p)][PageTable.lo(p)] = segment;
    }

    /** Releases region {@code b}, all of whose pages are in the pool. */
    private void release(Block b) {
        release(b, true);
    }

    /**
     * Releases region {@code b}. {@code forget}: also drop its page segments from the page table
     * (a lower limit: the numbers get reused). On close they stay: a reader that was still in
     * flight then gets the closed arena's IllegalStateException, not a NullPointerException.
     */
    private void release(Block b, boolean forget) {
        int first = b.first;
        int last = first + b.pages;
        int kept = 0;
        for (int i = 0; i < freeCount; i++) {
            int p = freeStack[i];
            if (p < first || p >= last) {
                stackPos[p] = kept;
                freeStack[kept++] = p;
            }
        }
        freeCount = kept;
        pooled.clear(first, last);
        held.clear(first, last); // the numbers may name another region's pages next: hold those for no run
        for (int p = first; p < last; p++) {
            if (forget) {
                memory(p, null);
            }
            toRegionEnd[p] = null; // the numbers may name another region's memory next time
            pageBlock[p] = null;
        }
        reserved -= (long) b.pages * pageSize;
        regionCount--;
        released++;
        b.region.release();
    }

    /**
     * Sets a new limit. Lowering it releases every region whose pages are all in the pool, until
     * the reservation fits; the caller empties more pages if it still does not.
     *
     * @return the bytes still reserved above the new limit (0 when it fits)
     */
    synchronized long setLimit(long newLimit) {
        limit = newLimit;
        for (int p = 0; p < pageBlock.length && reserved > limit; ) {
            Block b = pageBlock[p];
            if (b == null) {
                p++;
                continue;
            }
            p = b.first + b.pages;
            if (b.free == b.pages) {
                release(b);
            }
        }
        return Math.max(0, reserved - limit);
    }

    synchronized void close() {
        for (int p = 0; p < pageBlock.length; ) {
            Block b = pageBlock[p];
            if (b == null) {
                p++;
                continue;
            }
            p = b.first + b.pages;
            release(b, false);
        }
        freeCount = 0;
        pooled.clear();
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

    /** One past the highest page number ever reserved: page numbers below it are worth sampling. */
    int highWater() {
        return highWater;
    }

    /** Regions given back to the source so far (close not counted separately). */
    synchronized long released() {
        return released;
    }

    /**
     * The longest run {@link #takeRun} could ever return without a change of the limit: the longest
     * region reserved, or the region the limit still leaves room to reserve. Regions are reserved at
     * the size the limit allows at the time, so after a low limit was raised every region may be
     * shorter than a region of the full size.
     */
    synchronized int longestPossibleRun() {
        int longest = (int) Math.min(pagesPerRegion, Math.max(0, (limit - reserved) / pageSize));
        for (int p = 0; p < pageBlock.length; ) {
            Block b = pageBlock[p];
            if (b == null) {
                p++;
                continue;
            }
            longest = Math.max(longest, b.pages);
            p = b.first + b.pages;
        }
        return longest;
    }

    /** The reserved regions as pairs {@code first page, page count}. */
    synchronized int[] regionRanges() {
        int[] out = new int[2 * regionCount];
        int n = 0;
        for (int p = 0; p < pageBlock.length; ) {
            Block b = pageBlock[p];
            if (b == null) {
                p++;
                continue;
            }
            out[n++] = b.first;
            out[n++] = b.pages;
            p = b.first + b.pages;
        }
        return out;
    }

    String sourceName() {
        return source.name();
    }
}
