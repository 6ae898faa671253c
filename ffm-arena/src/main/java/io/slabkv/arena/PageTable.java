package io.slabkv.arena;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The allocator's per-page words, in leaves of {@value #LEAF_PAGES} pages that are made when a
 * region first covers them, so the Java heap a store pays for its page table follows the pages it
 * reserved, not the maximum limit it may grow to.
 *
 * <pre>
 *   page number (int, below maxPages)
 *   +---------------------------------------+-----------------+
 *   | leaf: p &gt;&gt;&gt; LEAF_SHIFT                | p &amp; LEAF_MASK   |
 *   +---------------------------------------+-----------------+
 *   bits 31..10                               bits 9..0
 *
 *   word[leaf][p &amp; LEAF_MASK], for word in memory, freeHead, bump, live, pageClass, state,
 *   partialNext, partialPrev, runHead (see SlabAllocator for what each holds)
 * </pre>
 *
 * <p>A flat array per word, sized for the maximum limit, cost 60 to 70 bytes of heap per page up
 * front: a store under 16 MiB (64 KiB pages) with the default 4 GiB maximum carried 3.8 MB of heap
 * for pages it would never reserve. Leaves cost the same per page, but only for page numbers a
 * region has used; the top arrays hold one reference per {@value #LEAF_PAGES} pages of the maximum.
 *
 * <p><b>Cost.</b> One more load (the leaf) per page word read, from a top array a few cache lines
 * long. The allocator writes the two indexes out ({@code p >>> LEAF_SHIFT}, {@code p & LEAF_MASK})
 * instead of calling {@link #hi} and {@link #lo}: with the calls, a put at the limit (which samples
 * through the page table: {@code io.slabkv.bench.probe.PutAtLimit 2000000 1000000 4 inline}) ran
 * about 10 % slower than with flat arrays over six alternating launches, consistent with two more
 * inlining levels on an already deep call chain; written out, 4,322 vs 4,278 ns per put (mean of
 * four alternations, within the run-to-run spread of 5 %).
 *
 * <p><b>Publication.</b> {@link #ensure} runs under the page pool's lock, before the region's pages
 * are pushed to the pool and before the pool's volatile high-water mark moves past them. A thread
 * reaches a page number through the pool's lock (a refill), a published chunk handle, or the
 * high-water mark, each of which orders it after the leaf's creation: so a page number a thread got
 * that way always finds its leaf. Leaves are never removed (a released region's numbers are reused
 * first), so a leaf once seen stays. A caller with an arbitrary page number checks for a null leaf
 * (as {@code SlabAllocator.pageClass(int)} does).
 */
final class PageTable {

    static final int LEAF_SHIFT = 10;
    static final int LEAF_PAGES = 1 << LEAF_SHIFT;
    static final int LEAF_MASK = LEAF_PAGES - 1;

    final int maxPages;
    final MemorySegment[][] memory;
    final long[][] freeHead;
    final int[][] bump;
    final int[][] live;
    final int[][] pageClass;
    final byte[][] state;
    final int[][] partialNext;
    final int[][] partialPrev;
    final int[][] runHead;
    private int leaves; // leaves made so far; under the pool's lock

    PageTable(int maxPages) {
        this.maxPages = maxPages;
        int n = (int) Math.ceilDiv((long) maxPages, LEAF_PAGES);
        memory = new MemorySegment[n][];
        freeHead = new long[n][];
        bump = new int[n][];
        live = new int[n][];
        pageClass = new int[n][];
        state = new byte[n][];
        partialNext = new int[n][];
        partialPrev = new int[n][];
        runHead = new int[n][];
    }

    /** The leaf of page {@code p}. */
    static int hi(int p) {
        return p >>> LEAF_SHIFT;
    }

    /** Page {@code p}'s place in its leaf. */
    static int lo(int p) {
        return p & LEAF_MASK;
    }

    /**
     * Makes the leaves of pages {@code [first, first + pages)}. Under the pool's lock, before those
     * pages are published (see the class comment); {@code pageClass} last, as the null checks of
     * callers with arbitrary page numbers read it.
     */
    void ensure(int first, int pages) {
        for (int l = hi(first); l <= hi(first + pages - 1); l++) {
            if (pageClass[l] != null) {
                continue;
            }
            memory[l] = new MemorySegment[LEAF_PAGES];
            freeHead[l] = new long[LEAF_PAGES];
            bump[l] = new int[LEAF_PAGES];
            live[l] = new int[LEAF_PAGES];
            state[l] = new byte[LEAF_PAGES];
            partialNext[l] = new int[LEAF_PAGES];
            partialPrev[l] = new int[LEAF_PAGES];
            runHead[l] = new int[LEAF_PAGES];
            int[] classes = new int[LEAF_PAGES];
            Arrays.fill(classes, -1); // in the pool
            pageClass[l] = classes;
            leaves++;
        }
    }

    /** Leaves made so far (for tests of the heap a store pays). Under the pool's lock. */
    int leaves() {
        return leaves;
    }
}
