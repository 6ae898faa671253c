package io.slabkv.arena;

import static io.slabkv.arena.Fixtures.PAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The page pool on its own, over a page source that records what it is asked. */
class PagePoolTest {

    /** Shared-arena regions whose reserve, discard and release calls are recorded. */
    static final class CountingSource implements PageSource {
        final List<Long> reserves = new ArrayList<>();
        final List<long[]> discards = new ArrayList<>();
        int releases;
        final List<MemorySegment> live = new ArrayList<>();

        @Override
        public Region reserve(long bytes, long alignment) {
            reserves.add(bytes);
            Region inner = SharedArenaPageSource.INSTANCE.reserve(bytes, alignment);
            live.add(inner.memory());
            return new Region() {
                @Override
                public MemorySegment memory() {
                    return inner.memory();
                }

                @Override
                public void discard(long offset, long length) {
                    discards.add(new long[] {offset, length});
                }

                @Override
                public void release() {
                    releases++;
                    inner.release();
                }
            };
        }

        @Override
        public boolean confined() {
            return false;
        }

        @Override
        public String name() {
            return "counting";
        }
    }

    private final CountingSource source = new CountingSource();
    private PageTable table;
    private PagePool pool;

    /** Regions of 4 pages of 64 KiB. */
    private PagePool pool(int limitPages, int maxPages) {
        table = new PageTable(maxPages);
        pool = new PagePool(source, PAGE, 4L * PAGE, (long) limitPages * PAGE, (long) maxPages * PAGE, table);
        return pool;
    }

    /** A pool whose limit is {@code pages} pages (regions of 4), every page taken, lowest first. */
    private PagePool fullPool(int pages) {
        PagePool p = pool(pages, pages);
        for (int i = 0; i < pages; i++) {
            assertEquals(i, p.take());
        }
        return p;
    }

    /** Page {@code p}'s page table segment; null also when no region ever covered its leaf. */
    private MemorySegment mem(int p) {
        MemorySegment[] leaf = table.memory[PageTable.hi(p)];
        return leaf == null ? null : leaf[PageTable.lo(p)];
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
            assertEquals(0, pool.reserved());
            assertEquals(source.reserves.size(), source.releases, "every region reserved was released");
            for (MemorySegment m : source.live) {
                assertFalse(m.scope().isAlive());
            }
        }
    }

    /**
     * A run's page table entry spans its pages (to the end of their region), the same segment every
     * time a run starts at that page, so taking a run allocates nothing after the first time; ending
     * the run gives the page its one-page segment back.
     */
    @Test
    void aRunSpansItsPagesWithASegmentMadeOncePerPage() {
        PagePool p = pool(8, 8); // regions of 4 pages
        MemorySegment single = null;
        MemorySegment first = null;
        for (int round = 0; round < 3; round++) {
            int run = p.takeRun(3);
            assertEquals(0, run, "the first three pages of the first region");
            if (round == 0) {
                first = mem(0);
            }
            assertTrue(mem(0).byteSize() >= 3L * PAGE, "the entry reaches the whole run");
            assertTrue(mem(0) == first, "the same segment object each time: no allocation per run");
            p.endRun(0);
            if (round == 0) {
                single = mem(0);
            }
            assertEquals(PAGE, mem(0).byteSize());
            assertTrue(mem(0) == single, "the page's own one-page segment is back");
            for (int q = 0; q < 3; q++) {
                p.give(q);
            }
        }
    }

    @Test
    void regionsAreReservedLazilyAndCutIntoAlignedConsecutivePages() {
        PagePool p = pool(16, 16);
        assertEquals(0, p.reserved());
        assertEquals(0, p.regions());
        assertEquals(List.of(), source.reserves);
        for (int i = 0; i < 6; i++) {
            assertEquals(i, p.take(), "lowest page first");
        }
        assertEquals(List.of(4L * PAGE, 4L * PAGE), source.reserves);
        assertEquals(2, p.regions());
        assertEquals(8L * PAGE, p.reserved());
        assertEquals(2, p.freePages());
        for (int i = 0; i < 8; i++) {
            MemorySegment m = mem(i);
            assertNotNull(m, "page " + i);
            assertEquals(PAGE, m.byteSize());
            assertEquals(0, m.address() % PAGE);
            assertEquals(mem(i & ~3).address() + (long) (i & 3) * PAGE, m.address(), "pages of a region are consecutive");
        }
        assertNull(mem(8));
    }

    @Test
    void givenPagesAreDiscardedAndTakenAgainFirst() {
        PagePool p = pool(16, 16);
        for (int i = 0; i < 6; i++) {
            p.take();
        }
        p.give(5);
        p.give(2);
        assertEquals(4, p.freePages());
        assertEquals(2, source.discards.size());
        assertEquals(List.of(PAGE * 1L, (long) PAGE), List.of(source.discards.get(0)[0], source.discards.get(0)[1]),
                "page 5 is the second page of the second region");
        assertEquals(2L * PAGE, source.discards.get(1)[0]);
        assertEquals(2, p.take());
        assertEquals(5, p.take());
        assertEquals(6, p.take());
        assertEquals(8L * PAGE, p.reserved(), "no region reserved while the pool had pages");
    }

    /**
     * The interleaving this guards against: a put at the limit empties a window of pages for a run,
     * and as those pages come back to the pool one by one, concurrent puts of small entries take
     * each for their size classes, so the run never finds them together.
     */
    @Test
    void pagesHeldForARunGoToNoSizeClassUntilReleased() throws Exception {
        PagePool p = fullPool(8);
        assertTrue(p.hold(4, 4, 60_000_000_000L));
        p.give(5); // the window's pages come back one by one, as their chunks' grace periods end
        p.give(1); // and a page of a size class
        p.give(7);
        assertEquals(1, p.take(), "a class gets the page nobody holds, not the newer held ones");
        assertEquals(-1, p.take(), "at the limit, with only held pages in the pool: none for a class");
        p.give(4);
        p.give(6);
        assertEquals(4, p.takeRun(4), "the run finds the whole window");
        p.endRun(4);
        for (int page = 4; page < 8; page++) {
            p.give(page);
        }
        // Another thread's hold is refused while this one lasts; released, the pages serve classes again.
        boolean[] other = new boolean[1];
        Thread t = new Thread(() -> other[0] = p.hold(0, 4, 60_000_000_000L));
        t.start();
        t.join();
        assertFalse(other[0], "one hold at a time");
        assertEquals(-1, p.take());
        p.unhold();
        assertTrue(p.take() >= 4, "released: held pages go to classes again");
    }

    @Test
    void aHoldThatWasNeverReleasedExpires() throws Exception {
        PagePool p = fullPool(8);
        assertTrue(p.hold(4, 4, 1)); // one nanosecond
        Thread.sleep(2); // past it, whatever the clock's granularity
        p.give(6);
        assertEquals(0, p.heldPages());
        assertEquals(6, p.take(), "an expired hold keeps nothing from a class");
    }

    /**
     * A run's put may empty several windows before one comes back whole: its later windows add to
     * its hold rather than replace it (holding only the latest left the earlier, emptier windows to
     * the size classes).
     */
    @Test
    void aThreadsLaterWindowsAddToItsHoldUpToACap() {
        PagePool p = fullPool(8);
        assertTrue(p.hold(4, 1, 60_000_000_000L));
        assertTrue(p.hold(6, 1, 60_000_000_000L));
        assertEquals(2, p.heldPages());
        p.give(4);
        p.give(6);
        p.give(1);
        assertEquals(1, p.take());
        assertEquals(-1, p.take(), "pages 4 and 6 are both still held");
        // Up to four windows' worth: a fifth window of one page is not added.
        assertTrue(p.hold(5, 1, 60_000_000_000L));
        assertTrue(p.hold(7, 1, 60_000_000_000L));
        assertFalse(p.hold(0, 1, 60_000_000_000L));
        assertEquals(4, p.heldPages());
        p.unhold();
        assertEquals(0, p.heldPages());
    }

    /** A released region's page numbers may name another region's pages next: they are held for no run. */
    @Test
    void releasingARegionEndsTheHoldOfItsPages() {
        PagePool p = fullPool(8);
        assertTrue(p.hold(4, 4, 60_000_000_000L));
        for (int page = 4; page < 8; page++) {
            p.give(page);
        }
        assertEquals(0, p.setLimit(4L * PAGE), "region 4..7 is all in the pool: released");
        assertEquals(0, p.heldPages());
        p.setLimit(8L * PAGE);
        assertEquals(4, p.take(), "a new region at the same numbers serves size classes");
    }

    @Test
    void theLimitCapsReservationsAndALastRegionMayBeSmaller() {
        PagePool p = pool(6, 16);
        Set<Integer> pages = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            int page = p.take();
            assertTrue(page >= 0);
            assertTrue(pages.add(page));
            assertTrue(p.reserved() <= 6L * PAGE);
        }
        assertEquals(-1, p.take());
        assertEquals(List.of(4L * PAGE, 2L * PAGE), source.reserves);
        assertEquals(6L * PAGE, p.peakReserved());
    }

    @Test
    void loweringTheLimitReleasesWholeFreeRegionsOnly() {
        PagePool p = pool(12, 16);
        for (int i = 0; i < 12; i++) {
            p.take();
        }
        // region 1 (pages 4..7) all back; region 2 (8..11) half back
        for (int page = 4; page < 10; page++) {
            p.give(page);
        }
        assertEquals(4L * PAGE, p.setLimit(4L * PAGE), "region 2 still holds pages 10 and 11");
        assertEquals(8L * PAGE, p.reserved());
        assertEquals(1, source.releases);
        for (int page = 4; page < 8; page++) {
            assertNull(mem(page), "released page " + page);
        }
        assertNotNull(mem(8));
        assertEquals(2, p.freePages(), "pages 8 and 9");
        assertEquals(2, p.regions());
        assertEquals(12L * PAGE, p.peakReserved(), "the peak is kept");
    }

    @Test
    void pagesComingBackAfterALowerLimitReleaseTheirRegion() {
        PagePool p = pool(8, 16);
        for (int i = 0; i < 8; i++) {
            p.take();
        }
        assertEquals(4L * PAGE, p.setLimit(4L * PAGE));
        for (int page = 4; page < 7; page++) {
            p.give(page);
        }
        assertEquals(8L * PAGE, p.reserved(), "the region still holds page 7");
        p.give(7);
        assertEquals(4L * PAGE, p.reserved(), "its last page back: the region goes");
        assertEquals(1, source.releases);
        assertEquals(0, p.freePages());
        assertEquals(-1, p.take(), "at the new limit");
        p.give(0);
        assertEquals(4L * PAGE, p.reserved(), "within the limit regions are kept");
        assertEquals(0, p.take());
    }

    /**
     * A region smaller than the full size (reserved under a tight limit) must not strand page
     * numbers: raising the limit to the maximum the page arrays were sized for must reach it.
     */
    @Test
    void raisingTheLimitReachesTheMaximumAfterPartialRegions() {
        PagePool p = pool(1, 8);
        List<Integer> pages = new ArrayList<>();
        for (int limit = 1; limit <= 8; limit++) {
            assertEquals(0, p.setLimit((long) limit * PAGE));
            int page = p.take();
            assertTrue(page >= 0 && page < 8, "limit " + limit + " pages: took " + page);
            pages.add(page);
            assertEquals(-1, p.take());
        }
        assertEquals(8, new HashSet<>(pages).size());
        assertEquals(8L * PAGE, p.reserved());
        assertEquals(8, p.regions(), "one one-page region per raise");
        for (int i = 0; i < 8; i++) {
            assertNotNull(mem(i));
        }
    }

    @Test
    void numbersOfAReleasedRegionAreReused() {
        PagePool p = fullPool(8);
        for (int page = 0; page < 4; page++) {
            p.give(page);
        }
        assertEquals(0, p.setLimit(4L * PAGE));
        assertNull(mem(0));
        assertEquals(0, p.setLimit(8L * PAGE));
        Set<Integer> again = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            again.add(p.take());
        }
        assertEquals(Set.of(0, 1, 2, 3), again);
        assertEquals(-1, p.take());
        assertEquals(8L * PAGE, p.reserved());
    }

    @Test
    void gapsSmallerThanARegionStillServe() {
        // regions [0..1] (limit 2), [2..5] (limit 6), [6..7] (limit 8); release the first and the
        // last; a raise then fills both two-page gaps
        PagePool p = pool(2, 8);
        List<Integer> taken = new ArrayList<>();
        for (long limit : new long[] {2, 6, 8}) {
            p.setLimit(limit * PAGE);
            int page;
            while ((page = p.take()) >= 0) {
                taken.add(page);
            }
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), taken);
        for (int page : new int[] {0, 1, 6, 7}) {
            p.give(page);
        }
        assertEquals(0, p.setLimit(4L * PAGE));
        assertEquals(1, p.regions());
        assertEquals(0, p.setLimit(8L * PAGE));
        Set<Integer> again = new HashSet<>();
        int page;
        while ((page = p.take()) >= 0) {
            again.add(page);
        }
        assertEquals(Set.of(0, 1, 6, 7), again);
        assertEquals(3, p.regions());
    }

    @Test
    void closeReleasesEveryRegionAndEmptiesThePool() {
        PagePool p = pool(16, 16);
        for (int i = 0; i < 9; i++) {
            p.take();
        }
        p.give(3);
        p.close();
        assertEquals(0, p.reserved());
        assertEquals(0, p.regions());
        assertEquals(0, p.freePages());
        assertEquals(3, source.releases);
        // The page table keeps the closed segments (a reader still in flight gets the closed
        // arena's IllegalStateException rather than a NullPointerException); none is alive.
        for (int page = 0; page < table.maxPages; page++) {
            MemorySegment m = mem(page);
            if (m != null) {
                assertFalse(m.scope().isAlive(), "a page segment outlived close()");
                assertThrows(IllegalStateException.class, () -> m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            }
        }
    }
}
