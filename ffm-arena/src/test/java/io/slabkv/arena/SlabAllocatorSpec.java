package io.slabkv.arena;

import static io.slabkv.arena.Fixtures.MIB;
import static io.slabkv.arena.Fixtures.PAGE;
import static io.slabkv.arena.Fixtures.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The specification every {@link SlabAllocator} variant meets, run by {@link SharedSlabAllocatorTest}
 * and {@link ConfinedSlabAllocatorTest} (one abstract spec, one subclass per variant, as in JCTools).
 * Every test runs on one thread; the variant-specific and concurrent behaviour lives in the
 * subclasses and in {@link ConcurrentAllocationTest}.
 */
abstract class SlabAllocatorSpec {

    private final List<SlabAllocator> opened = new ArrayList<>();

    /** Builds the variant under test. */
    abstract SlabAllocator build(SlabAllocator.Builder b);

    /** Whether freed pages and retired chunks come back without waiting for an epoch grace period. */
    abstract boolean reclaimsAtOnce();

    final SlabAllocator open(SlabAllocator.Builder b) {
        SlabAllocator a = build(b);
        opened.add(a);
        return a;
    }

    @AfterEach
    final void closeAll() {
        opened.forEach(SlabAllocator::close);
    }

    /** Lets every grace period end: with no reader inside, two epoch steps are enough; do it twice. */
    static void quiesce(SlabAllocator a) {
        a.reclaim();
        a.reclaim();
    }

    static long alloc(SlabAllocator a, long size) {
        long h = a.allocate(size);
        assertNotEquals(ChunkHandle.NONE, h, "allocate(" + size + ") failed: " + a.stats());
        return h;
    }

    /** {@link #alloc} without a snapshot in its message: stats() samples the peak of used bytes. */
    static long allocQuietly(SlabAllocator a, long size) {
        long h = a.allocate(size);
        assertNotEquals(ChunkHandle.NONE, h, "allocate(" + size + ") failed");
        return h;
    }

    static int pageOf(SlabAllocator a, long h) {
        return ChunkHandle.page(h, a.pageShift());
    }

    static SizeClassStats classStats(SlabAllocator a, int sizeClass) {
        return a.stats().classes().stream().filter(s -> s.sizeClass() == sizeClass).findFirst().orElse(null);
    }

    // ------------------------------------------------------------------ carve, free, reuse

    @Test
    void carveFreeReuseWithExactCounters() {
        SlabAllocator a = open(small());
        int c = a.sizeClasses().classOf(100);
        assertEquals(120, a.sizeClasses().chunkSize(c));

        long h1 = alloc(a, 100);
        AllocatorStats s = a.stats();
        assertEquals(List.of(1L, 0L, 1L, 0L, 120L), List.of(s.allocations(), s.reuses(), s.carves(), s.frees(), s.usedBytes()));
        assertEquals(120, a.chunkSize(h1));

        long h2 = alloc(a, 110); // same class: carved right after h1 on the same page
        assertEquals(pageOf(a, h1), pageOf(a, h2));
        assertEquals(a.offset(h1) + 120, a.offset(h2));

        a.free(h1);
        s = a.stats();
        assertEquals(List.of(2L, 0L, 2L, 1L, 120L), List.of(s.allocations(), s.reuses(), s.carves(), s.frees(), s.usedBytes()));

        long h3 = alloc(a, 97); // same class: the freed chunk comes back
        assertEquals(h1, h3);
        s = a.stats();
        assertEquals(List.of(3L, 1L, 2L, 1L, 240L), List.of(s.allocations(), s.reuses(), s.carves(), s.frees(), s.usedBytes()));

        // a free list is LIFO
        a.free(h2);
        a.free(h3);
        assertEquals(h3, alloc(a, 120));
        assertEquals(h2, alloc(a, 120));
        long h4 = alloc(a, 120); // free list empty again: carves
        assertEquals(a.offset(h2) + 120, a.offset(h4));

        s = a.stats();
        assertEquals(List.of(6L, 3L, 3L, 3L, 3 * 120L), List.of(s.allocations(), s.reuses(), s.carves(), s.frees(), s.usedBytes()));
        assertEquals(s.reuses() + s.carves(), s.allocations());
        assertEquals(0, s.failuresAtLimit());

        assertEquals(1, s.classes().size(), "only the class that was used is listed: " + s);
        SizeClassStats cs = s.classes().get(0);
        assertEquals(c, cs.sizeClass());
        assertEquals(120, cs.chunkSize());
        assertEquals(1, cs.pages());
        assertEquals(List.of(6L, 3L, 3L, 3L, 3L), List.of(cs.allocations(), cs.reuses(), cs.carves(), cs.frees(), cs.chunksUsed()));
        assertEquals(PAGE / 120 - 3, cs.chunksFree());
        assertEquals(1.0 - 3 * 120.0 / PAGE, cs.fragmentation(), 1e-12);
        assertEquals(PAGE, s.pageBytes());
    }

    @Test
    void countersStayExactOverManyClassesAndAWholeFreeRound() {
        SlabAllocator a = open(small().memoryLimit(8 * MIB));
        Random rnd = new Random(7);
        int n = a.sizeClasses().count();
        long[] allocs = new long[n], carves = new long[n], frees = new long[n], reuses = new long[n];
        List<Long> live = new ArrayList<>();
        Map<Integer, Set<Long>> freed = new TreeMap<>();
        for (int i = 0; i < 20_000; i++) {
            if (!live.isEmpty() && rnd.nextInt(3) == 0) {
                long h = live.remove(rnd.nextInt(live.size()));
                int c = a.pageClass(pageOf(a, h));
                a.free(h);
                frees[c]++;
                freed.computeIfAbsent(c, k -> new HashSet<>()).add(h);
            } else {
                int size = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 8000 : 300);
                int c = a.sizeClasses().classOf(size);
                long h = alloc(a, size);
                allocs[c]++;
                // a handle that was freed in this class and not handed out since is a reuse
                Set<Long> freedInClass = freed.get(c);
                if (freedInClass != null && freedInClass.remove(h)) {
                    reuses[c]++;
                } else {
                    carves[c]++;
                }
                live.add(h);
            }
        }
        AllocatorStats s = a.stats();
        assertEquals(Arrays.stream(allocs).sum(), s.allocations());
        assertEquals(Arrays.stream(reuses).sum(), s.reuses());
        assertEquals(Arrays.stream(carves).sum(), s.carves());
        assertEquals(Arrays.stream(frees).sum(), s.frees());
        long used = 0;
        for (SizeClassStats cs : s.classes()) {
            int c = cs.sizeClass();
            assertEquals(allocs[c], cs.allocations(), "class " + c);
            assertEquals(reuses[c], cs.reuses(), "class " + c);
            assertEquals(carves[c], cs.carves(), "class " + c);
            assertEquals(frees[c], cs.frees(), "class " + c);
            assertEquals(allocs[c] - frees[c], cs.chunksUsed(), "class " + c);
            used += cs.chunksUsed() * cs.chunkSize();
        }
        assertEquals(used, s.usedBytes());
        assertEquals(used, a.usedBytes());

        for (long h : live) {
            a.free(h);
        }
        quiesce(a);
        s = a.stats();
        assertEquals(s.allocations(), s.frees());
        assertEquals(0, s.usedBytes());
        assertEquals(0, s.pendingReclaim());
        assertTrue(s.peakUsedBytes() >= used, s.toString());
        // every page is either in the pool or still some class's (empty) page
        assertEquals(s.reservedBytes(), s.pageBytes() + (long) s.freePages() * PAGE, s.toString());
    }

    @Test
    void chunksAreDistinctAlignedAndInsideTheirPage() {
        SlabAllocator a = open(small().memoryLimit(16 * MIB));
        Random rnd = new Random(42);
        TreeMap<Long, Long> intervals = new TreeMap<>(); // address -> end
        Map<Long, long[]> live = new java.util.HashMap<>(); // handle -> {size, key}
        for (int i = 0; i < 4000; i++) {
            int size = 1 + rnd.nextInt(rnd.nextInt(40) == 0 ? PAGE : 1500);
            long h = alloc(a, size);
            int page = pageOf(a, h);
            int c = a.sizeClasses().classOf(size);
            int chunk = a.chunkSize(h);
            assertEquals(a.sizeClasses().chunkSize(c), chunk, "chunk of size " + size);
            assertTrue(chunk >= size);
            assertEquals(c, a.pageClass(page));
            assertEquals(ChunkHandle.offset(h, PAGE - 1), a.offset(h));
            assertEquals(0, a.offset(h) % 8, "8-byte aligned");
            assertEquals(0, a.offset(h) % chunk, "chunk-aligned inside its page");
            assertTrue(a.offset(h) + chunk <= PAGE, "chunk runs past its page");
            MemorySegment seg = a.segment(h);
            assertEquals(PAGE, seg.byteSize());
            assertEquals(0, seg.address() % PAGE, "pages are page-aligned");
            long addr = seg.address() + a.offset(h);
            Map.Entry<Long, Long> below = intervals.floorEntry(addr);
            Map.Entry<Long, Long> above = intervals.ceilingEntry(addr);
            assertTrue(below == null || below.getValue() <= addr, "overlaps the chunk below");
            assertTrue(above == null || above.getKey() >= addr + chunk, "overlaps the chunk above");
            intervals.put(addr, addr + chunk);
            long key = Fixtures.key(1, h, i);
            Fixtures.fill(a, h, size, key);
            assertTrue(live.put(h, new long[] {size, key}) == null, "handle handed out twice");
        }
        live.forEach((h, sk) -> Fixtures.assertPattern(a, h, sk[0], sk[1]));
        List<Long> order = new ArrayList<>(live.keySet());
        Collections.shuffle(order, rnd);
        for (long h : order) {
            Fixtures.assertPattern(a, h, live.get(h)[0], live.get(h)[1]);
            a.free(h);
        }
        assertEquals(0, a.usedBytes());
    }

    @Test
    void largestClassTakesAWholePage() {
        SlabAllocator a = open(small());
        assertEquals(PAGE, a.sizeClasses().maxChunkSize());
        assertEquals(Fixtures.REGION, a.maxChunkSize(), "above a page: a run of pages, up to one region");
        long h1 = alloc(a, PAGE);
        long h2 = alloc(a, PAGE - 7);
        assertEquals(0, a.offset(h1));
        assertEquals(0, a.offset(h2));
        assertNotEquals(pageOf(a, h1), pageOf(a, h2));
        assertEquals(PAGE, a.chunkSize(h1));
        Fixtures.fill(a, h1, PAGE, 11);
        Fixtures.fill(a, h2, PAGE - 7, 12);
        Fixtures.assertPattern(a, h1, PAGE, 11);
        Fixtures.assertPattern(a, h2, PAGE - 7, 12);
    }

    // ------------------------------------------------------------------ runs of pages

    @Test
    void aSizeAboveThePageTakesARunOfPagesThatGoesBackToThePoolWhenFreed() {
        SlabAllocator a = open(small()); // 64 KiB pages, 4 per region
        long size = 2L * PAGE + 100;
        long h = alloc(a, size);
        int first = pageOf(a, h);
        assertEquals(0, a.offset(h));
        assertEquals(3 * PAGE, a.chunkSize(h));
        assertEquals(a.runClass(), a.classOf(size));
        assertEquals(3L * PAGE, a.chunkBytes(size));
        for (int p = first; p < first + 3; p++) {
            assertEquals(a.runClass(), a.pageClass(p), "page " + p);
        }
        // The handle's segment reaches the whole run: every byte written and read back.
        assertTrue(a.segment(h).byteSize() >= 3L * PAGE);
        Fixtures.fill(a, h, size, 41);
        long small = alloc(a, 100); // a chunk of a class next to it, untouched by the run's bytes
        Fixtures.fill(a, small, 100, 42);
        Fixtures.assertPattern(a, h, size, 41);
        Fixtures.assertPattern(a, small, 100, 42);
        assertEquals(3L * PAGE + a.chunkSize(small), a.usedBytes());
        SizeClassStats runs = classStats(a, a.runClass());
        assertNotNull(runs, "a row for the runs: " + a.stats());
        assertEquals(3, runs.pages());
        assertEquals(1, runs.chunksUsed());
        // A page inside the run names no chunk; draining any page of the run lists the run's handle.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.free(ChunkHandle.of(first + 1, 0, a.pageShift())));
        assertTrue(e.getMessage().contains("inside the run of pages that starts at page " + first), e.getMessage());
        assertArrayEquals(new long[] {h}, a.drainPage(first + 2));
        int freeBefore = a.stats().freePages();
        a.retire(h);
        quiesce(a); // the run's chunk
        quiesce(a); // then its pages
        assertEquals(a.chunkSize(small), a.usedBytes());
        assertEquals(freeBefore + 3, a.stats().freePages());
        assertEquals(0, classStats(a, a.runClass()).chunksUsed());
        e = assertThrows(IllegalArgumentException.class, () -> a.free(h), "a run freed twice");
        assertTrue(e.getMessage().contains("was already freed") || e.getMessage().contains("held by no size class"),
                e.getMessage());
        for (int p = first; p < first + 3; p++) {
            assertEquals(-1, a.pageClass(p), "page " + p + " back in the pool");
        }
        // Freed at once and freed again while its pages wait out their grace period (shared), or
        // after they went back to the pool (confined): refused, the pool untouched.
        long twice = alloc(a, 2L * PAGE);
        a.free(twice);
        e = assertThrows(IllegalArgumentException.class, () -> a.free(twice));
        assertTrue(e.getMessage().contains(reclaimsAtOnce() ? "held by no size class" : "was already freed"),
                e.getMessage());
        quiesce(a);
        quiesce(a);
        // The pages serve size classes again, and a run again.
        long again = alloc(a, 4L * PAGE - 8);
        assertEquals(4 * PAGE, a.chunkSize(again));
        Fixtures.fill(a, again, 4L * PAGE - 8, 43);
        Fixtures.assertPattern(a, again, 4L * PAGE - 8, 43);
        Fixtures.assertPattern(a, small, 100, 42);
    }

    /**
     * A run needs consecutive free pages of one region (contiguous memory): two free pages with
     * adjacent numbers in different regions do not make one, and the limit then refuses the run.
     */
    @Test
    void aRunNeedsConsecutiveFreePagesOfOneRegion() {
        SlabAllocator a = open(small().memoryLimit(2 * Fixtures.REGION)); // pages 0-3 and 4-7
        long[] pages = new long[8];
        for (int i = 0; i < 8; i++) {
            pages[i] = alloc(a, PAGE); // the whole-page class: one chunk per page
        }
        assertEquals(ChunkHandle.NONE, a.allocate(PAGE + 1), "no page is free");
        int last = pageOf(a, pages[3]);
        int next = pageOf(a, pages[4]);
        assertEquals(last + 1, next, "the second region's numbers follow the first's");
        assertNotEquals(a.stats().classes().size(), 0);
        a.retire(pages[3]);
        a.retire(pages[4]);
        quiesce(a);
        quiesce(a);
        assertEquals(2, a.stats().freePages());
        assertEquals(ChunkHandle.NONE, a.allocate(PAGE + 1), "pages 3 and 4 are in different regions");
        assertEquals(2 * Fixtures.REGION, a.reservedBytes(), "and the limit allows no third region");
        a.retire(pages[2]);
        quiesce(a);
        quiesce(a);
        long run = alloc(a, PAGE + 1);
        assertEquals(pageOf(a, pages[2]), pageOf(a, run), "pages 2 and 3 of the first region");
        Fixtures.fill(a, run, PAGE + 1, 7);
        Fixtures.assertPattern(a, run, PAGE + 1, 7);
        assertTrue(a.reservedBytes() <= 2 * Fixtures.REGION);
    }

    /**
     * The ABA defence of a page's free list, pinned deterministically (a stress test hardly ever
     * hits the nanosecond window): a popper P reads head word W (link A, next B) and stalls; the
     * list then goes through pop A, pop B, push B, push A, so its link is A again. The head word
     * must differ from W, so that P's compare-and-set from W fails instead of installing B (which
     * is no longer free after a further pop) as the head.
     */
    @Test
    void freeListHeadWordNeverRepeatsEvenWhenItsLinkDoes() {
        SlabAllocator a = open(small());
        long x = alloc(a, 64), y = alloc(a, 64), z = alloc(a, 64);
        int p = pageOf(a, x);
        a.free(x);
        a.free(y); // list: y -> x
        long stale = a.lvFreeHead(p);
        Set<Long> words = new HashSet<>();
        words.add(stale);
        assertEquals(y, alloc(a, 64));
        words.add(a.lvFreeHead(p));
        assertEquals(x, alloc(a, 64));
        words.add(a.lvFreeHead(p));
        a.free(x);
        words.add(a.lvFreeHead(p));
        a.free(y); // list: y -> x again
        long now = a.lvFreeHead(p);
        assertEquals((int) stale, (int) now, "same link: the ABA setup");
        assertNotEquals(stale, now, "the head word repeated: a stalled pop's CAS would succeed");
        assertTrue(words.add(now), "every change gives a new head word");
        assertFalse(a.casFreeHead(p, stale, 0), "a stale compare-and-set must fail");
        assertEquals(y, alloc(a, 64));
        assertEquals(x, alloc(a, 64));
        assertNotEquals(z, x);
    }

    // ------------------------------------------------------------------ retire

    @Test
    void retiredChunkIsFreedAndReusedOnceNoReaderIsInside() {
        SlabAllocator a = open(small());
        long h = alloc(a, 64);
        long other = alloc(a, 64);
        a.retire(h);
        if (reclaimsAtOnce()) {
            assertEquals(1, a.stats().frees());
        } else {
            assertEquals(1, a.stats().pendingReclaim());
            assertEquals(0, a.stats().frees());
        }
        quiesce(a);
        AllocatorStats s = a.stats();
        assertEquals(1, s.frees());
        assertEquals(0, s.pendingReclaim());
        assertEquals(h, alloc(a, 64));
        assertNotEquals(other, h);
    }

    @Test
    void readGuardsNest() {
        SlabAllocator a = open(small());
        ReadGuard g1 = a.enter();
        ReadGuard g2 = a.enter();
        assertNotNull(g1);
        g2.exit();
        g1.exit();
        long h = alloc(a, 64); // allocation works after balanced guards
        a.retire(h);
        quiesce(a);
        assertEquals(h, alloc(a, 64));
    }

    // ------------------------------------------------------------------ the limit

    @Test
    void allocationFailsAtTheLimitCountsItAndSucceedsAfterAFree() {
        long limit = 4 * PAGE; // one region
        SlabAllocator a = open(small().memoryLimit(limit));
        int chunk = a.sizeClasses().chunkSize(a.sizeClasses().classOf(1000));
        int perPage = PAGE / chunk;
        List<Long> handles = new ArrayList<>();
        for (;;) {
            long h = a.allocate(1000);
            assertTrue(a.reservedBytes() <= limit, "reserved " + a.reservedBytes() + " over the limit " + limit);
            if (h == ChunkHandle.NONE) {
                break;
            }
            handles.add(h);
        }
        assertEquals(4 * perPage, handles.size(), "the whole limit goes to the one class");
        AllocatorStats s = a.stats();
        assertEquals(1, s.failuresAtLimit());
        assertEquals(limit, s.reservedBytes());
        assertEquals(limit, s.peakReservedBytes());
        assertEquals(0, s.freePages());
        assertEquals(handles.size(), s.allocations(), "a failure is not an allocation");

        assertEquals(ChunkHandle.NONE, a.allocate(1000));
        assertEquals(ChunkHandle.NONE, a.allocate(40)); // another class: no page for it either
        assertEquals(3, a.stats().failuresAtLimit());

        // one free: its class can allocate again, from the freed chunk
        long victim = handles.remove(5);
        a.free(victim);
        assertEquals(victim, a.allocate(1000));
        handles.add(victim);
        assertEquals(ChunkHandle.NONE, a.allocate(1000));
        assertEquals(4, a.stats().failuresAtLimit());

        // a whole page freed: another class gets that page (the allocation reclaims by itself)
        int page = pageOf(a, handles.get(0));
        int freedOnPage = 0;
        for (long h : handles) {
            if (pageOf(a, h) == page) {
                a.free(h);
                freedOnPage++;
            }
        }
        assertEquals(perPage, freedOnPage);
        long small = a.allocate(40);
        assertNotEquals(ChunkHandle.NONE, small, a.stats().toString());
        assertEquals(page, pageOf(a, small));
        assertEquals(4, a.stats().failuresAtLimit());
        assertEquals(limit, a.reservedBytes());
        assertEquals(limit, a.stats().peakReservedBytes());
    }

    @Test
    void limitThatIsNotAWholeRegionReservesAPartialRegion() {
        long limit = 6 * PAGE + 1000; // one region of 4 pages, then 2 pages; the odd bytes are unusable
        SlabAllocator a = open(small().memoryLimit(limit));
        int n = 0;
        while (a.allocate(PAGE) != ChunkHandle.NONE) {
            assertTrue(a.reservedBytes() <= limit);
            n++;
        }
        assertEquals(6, n);
        assertEquals(6L * PAGE, a.reservedBytes());
        assertEquals(2, a.stats().regions());
        assertEquals(limit, a.limit());
    }

    @Test
    void loweringTheLimitReleasesFreeRegionsAndRaisingItAllowsMore() {
        SlabAllocator a = open(small()); // 1 MiB = 4 regions of 4 pages
        long[] pages = new long[16];
        for (int i = 0; i < 16; i++) {
            pages[i] = alloc(a, PAGE);
            assertEquals(i, pageOf(a, pages[i]), "pages are taken lowest first");
        }
        assertEquals(ChunkHandle.NONE, a.allocate(PAGE));
        assertEquals(MIB, a.reservedBytes());
        assertEquals(4, a.stats().regions());

        for (int i = 4; i < 16; i++) {
            a.free(pages[i]);
        }
        // page 15 is still its class's current page; draining it sends it to the pool too
        assertArrayEquals(new long[0], a.drainPage(15));
        quiesce(a);
        assertEquals(12, a.stats().freePages());

        assertEquals(0, a.setLimit(512 * 1024));
        assertEquals(512 * 1024, a.limit());
        assertEquals(512 * 1024, a.reservedBytes(), "two free regions released");
        assertEquals(2, a.stats().regions());
        assertEquals(4, a.stats().freePages());
        MemorySegment keep = a.segment(pages[0]);

        assertEquals(0, a.setLimit(256 * 1024));
        assertEquals(256 * 1024, a.reservedBytes());
        assertEquals(1, a.stats().regions());

        // pages 0..3 are in use: the limit cannot be met, setLimit says by how much
        assertEquals(128 * 1024, a.setLimit(128 * 1024));
        assertEquals(256 * 1024, a.reservedBytes());
        assertTrue(keep.scope().isAlive(), "a region holding live chunks is never released");
        assertEquals(ChunkHandle.NONE, a.allocate(PAGE));
        assertEquals(ChunkHandle.NONE, a.allocate(32));

        // freeing a page of that region does not release it (other pages are live)
        a.free(pages[0]);
        quiesce(a);
        assertEquals(256 * 1024, a.reservedBytes());
        assertEquals(1, a.stats().freePages());

        // up again: the free page and new regions, up to the new limit and no further
        assertEquals(0, a.setLimit(MIB));
        int more = 0;
        for (;;) {
            long h = a.allocate(PAGE);
            assertTrue(a.reservedBytes() <= MIB);
            if (h == ChunkHandle.NONE) {
                break;
            }
            more++;
        }
        assertEquals(13, more);
        assertEquals(MIB, a.reservedBytes());
        assertEquals(MIB, a.stats().peakReservedBytes());
    }

    @Test
    void raisingTheLimitAfterAPartialRegionReachesTheMaximumLimit() {
        // regions of 4 pages; the limit of 6 pages gives regions of 4 + 2; the maximum is 8 pages
        SlabAllocator a = open(small().memoryLimit(6 * PAGE).maxMemoryLimit(8 * PAGE));
        assertEquals(8, a.maxPages());
        for (int i = 0; i < 6; i++) {
            alloc(a, PAGE);
        }
        assertEquals(ChunkHandle.NONE, a.allocate(PAGE));
        assertEquals(0, a.setLimit(8 * PAGE));
        // the two missing pages must be reservable: the limit says so
        alloc(a, PAGE);
        alloc(a, PAGE);
        assertEquals(8L * PAGE, a.reservedBytes());
        assertEquals(ChunkHandle.NONE, a.allocate(PAGE));
    }

    @Test
    void limitCyclesDoNotStrandPageNumbers() {
        // raising the limit one page at a time makes a one-page region each time
        SlabAllocator a = open(small().memoryLimit(PAGE).maxMemoryLimit(8 * PAGE));
        List<Long> live = new ArrayList<>();
        for (int pages = 1; pages <= 8; pages++) {
            assertEquals(0, a.setLimit((long) pages * PAGE));
            live.add(alloc(a, PAGE));
            assertEquals(ChunkHandle.NONE, a.allocate(PAGE));
        }
        assertEquals(8L * PAGE, a.reservedBytes());
        Set<Integer> distinct = new HashSet<>();
        for (long h : live) {
            assertTrue(distinct.add(pageOf(a, h)));
            assertTrue(pageOf(a, h) < a.maxPages());
        }
    }

    // ------------------------------------------------------------------ pages: back to the pool, between classes

    @Test
    void pageReturnsToThePoolWhenAllItsChunksAreFreed() {
        SlabAllocator a = open(small());
        int c = a.sizeClasses().classOf(4096);
        int perPage = a.sizeClasses().chunksPerPage(c);
        assertEquals(PAGE / 4544, perPage);
        List<Long> hs = new ArrayList<>();
        for (int i = 0; i < 2 * perPage + 1; i++) { // two full pages and one chunk on a third
            hs.add(alloc(a, 4096));
        }
        AllocatorStats s = a.stats();
        assertEquals(1, s.regions());
        assertEquals(1, s.freePages());
        assertEquals(3, classStats(a, c).pages());
        int first = pageOf(a, hs.get(0));
        assertEquals(perPage, a.liveChunks(first));

        for (int i = 0; i < perPage; i++) {
            assertEquals(first, pageOf(a, hs.get(i)));
            a.free(hs.get(i));
        }
        if (reclaimsAtOnce()) {
            assertEquals(2, a.stats().freePages());
        } else {
            // the page waits out its grace period: a stale allocator might still be looking at it
            assertEquals(1, a.stats().freePages());
            assertEquals(1, a.stats().pendingReclaim());
        }
        assertEquals(2, classStats(a, c).pages(), "the class gave the page up");
        quiesce(a);
        s = a.stats();
        assertEquals(2, s.freePages());
        assertEquals(0, s.pendingReclaim());
        assertEquals(-1, a.pageClass(first));
        assertEquals(2L * PAGE, s.pageBytes());
        assertEquals(4L * PAGE, s.reservedBytes(), "pages go to the pool; the region stays reserved");

        // freeing a chunk of a full page does not give the page up while it holds others
        int second = pageOf(a, hs.get(perPage));
        a.free(hs.get(perPage));
        quiesce(a);
        assertEquals(c, a.pageClass(second));
        assertEquals(2, a.stats().freePages());
    }

    @Test
    void drainedPageListsExactlyItsChunksAndMovesToAnotherClass() {
        long limit = 4 * PAGE;
        SlabAllocator a = open(small().memoryLimit(limit));
        int perPage = PAGE / 32;
        List<Long> hs = new ArrayList<>();
        for (int i = 0; i < 4 * perPage; i++) {
            hs.add(alloc(a, 32));
        }
        assertEquals(ChunkHandle.NONE, a.allocate(5000), "no page for another class");
        int page = pageOf(a, hs.get(0));
        Set<Long> onPage = new HashSet<>();
        for (long h : hs) {
            if (pageOf(a, h) == page) {
                onPage.add(h);
            }
        }
        assertEquals(perPage, onPage.size());
        // free every third chunk first: the drain must list exactly the others
        List<Long> freed = new ArrayList<>();
        int k = 0;
        for (long h : onPage) {
            if (k++ % 3 == 0) {
                freed.add(h);
            }
        }
        for (long h : freed) {
            a.free(h);
            onPage.remove(h);
        }
        long[] listed = a.drainPage(page);
        assertEquals(onPage, toSet(listed));
        assertEquals(onPage.size(), listed.length, "no duplicates");
        assertEquals(onPage, toSet(a.drainPage(page)), "draining again lists the same chunks");

        // free all but one: the page holds free chunks but is not allocated from any more
        List<Long> rest = new ArrayList<>(onPage);
        long last = rest.remove(rest.size() - 1);
        for (long h : rest) {
            a.free(h);
        }
        quiesce(a);
        assertEquals(a.sizeClasses().classOf(32), a.pageClass(page));
        assertEquals(1, a.liveChunks(page));
        assertEquals(ChunkHandle.NONE, a.allocate(32), "a draining page serves no allocation");
        assertEquals(0, a.stats().freePages());

        a.free(last);
        quiesce(a);
        assertEquals(1, a.stats().freePages());
        assertEquals(-1, a.pageClass(page));
        assertEquals(0, a.drainPage(page).length, "a page in the pool holds nothing");

        long big = a.allocate(5000);
        assertNotEquals(ChunkHandle.NONE, big);
        assertEquals(page, pageOf(a, big), "the other class is served from the same page");
        assertEquals(a.sizeClasses().classOf(5000), a.pageClass(page));
        assertEquals(limit, a.reservedBytes());
    }

    @Test
    void drainingTheCurrentPageStopsAllocationFromIt() {
        SlabAllocator a = open(small());
        Set<Long> hs = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            hs.add(alloc(a, 32));
        }
        int page = pageOf(a, hs.iterator().next());
        assertEquals(hs, toSet(a.drainPage(page)));
        long next = alloc(a, 32);
        assertNotEquals(page, pageOf(a, next));
        for (long h : hs) {
            a.free(h);
        }
        quiesce(a);
        assertEquals(-1, a.pageClass(page));
    }

    @Test
    void drainingAPageWithNothingOnItSendsItToThePool() {
        SlabAllocator a = open(small());
        assertEquals(0, a.drainPage(7).length, "a page never reserved");
        long h = alloc(a, 32);
        int page = pageOf(a, h);
        a.free(h); // the current page, now empty: it stays its class's page
        assertEquals(0, a.drainPage(page).length);
        quiesce(a);
        assertEquals(-1, a.pageClass(page));
        assertEquals(4, a.stats().freePages());
    }

    /** A builder is a set of values: building once must not change what it builds next. */
    @Test
    void aBuilderBuildsAgainWithOtherValues() {
        SlabAllocator.Builder b = small(); // 1 MiB limit, default maximum (4 GiB)
        SlabAllocator first = open(b);
        assertEquals(4L << 30, (long) first.maxPages() * PAGE);
        SlabAllocator second = open(b.memoryLimit(8L << 30)); // default maximum: max(4 x 8 GiB, 4 GiB)
        assertEquals(8L << 30, second.limit());
        assertEquals(32L << 30, (long) second.maxPages() * PAGE);
        assertEquals(0, second.setLimit(16L << 30));
    }

    // ------------------------------------------------------------------ stats, toString

    @Test
    void statsAndToStringDescribeTheAllocator() {
        SlabAllocator a = open(small());
        long h = alloc(a, 1000);
        alloc(a, 20);
        a.free(h);
        AllocatorStats s = a.stats();
        assertEquals(MIB, s.limitBytes());
        assertEquals(4L * PAGE, s.reservedBytes());
        assertEquals(2L * PAGE, s.pageBytes());
        assertEquals(2, s.freePages());
        assertEquals(1, s.regions());
        assertEquals(32, s.usedBytes());
        assertTrue(s.peakUsedBytes() >= 32);
        String text = s.toString();
        assertTrue(text.contains("failures at limit"), text);
        assertEquals(3 + s.classes().size(), text.split("\\R").length, text);
        String str = a.toString();
        assertTrue(str.contains("page " + PAGE) && str.contains(a.sizeClasses().count() + " classes"), str);
    }

    /**
     * The peak of used bytes is sampled at page refills (AllocatorStats): also when a class refills
     * from its partial pages and fills them up again, with no page taken from the pool. Class A fills
     * 8 pages and frees every other chunk; class B then fills 6 pages from the pool; A refills its
     * partial pages to full: the peak, 14 pages' worth, was reached without any page from the pool
     * and was reported as about 9 (the last sample, at B's last page) once everything was freed.
     */
    @Test
    void thePeakOfUsedBytesIsSeenWhenPartialPagesFillUpAgain() {
        SlabAllocator a = open(small()); // 16 pages of 64 KiB
        int sizeA = 1000, sizeB = 2000;
        int perPageA = a.sizeClasses().chunksPerPage(a.sizeClasses().classOf(sizeA));
        int perPageB = a.sizeClasses().chunksPerPage(a.sizeClasses().classOf(sizeB));
        List<Long> live = new ArrayList<>();
        List<Long> aChunks = new ArrayList<>();
        for (int i = 0; i < 8 * perPageA; i++) {
            aChunks.add(allocQuietly(a, sizeA));
        }
        for (int i = 0; i < aChunks.size(); i++) {
            if (i % 2 == 0) {
                a.free(aChunks.get(i));
            } else {
                live.add(aChunks.get(i));
            }
        }
        for (int i = 0; i < 6 * perPageB; i++) {
            live.add(allocQuietly(a, sizeB));
        }
        for (int i = 0; i < 4 * perPageA; i++) {
            live.add(allocQuietly(a, sizeA)); // from A's partial pages: no page from the pool
        }
        long peak = a.usedBytes(); // not stats(): a snapshot samples the peak itself
        for (long h : live) {
            a.free(h);
        }
        quiesce(a);
        AllocatorStats s = a.stats();
        assertEquals(0, s.usedBytes());
        assertTrue(s.peakUsedBytes() >= peak - 3L * PAGE, "peak used " + s.peakUsedBytes() + ", was " + peak
                + " (within about a page per class and the current pages): " + s);
    }

    /** A run of pages takes its pages from the pool too: the peak of used bytes counts it. */
    @Test
    void thePeakOfUsedBytesCountsRunsOfPages() {
        SlabAllocator a = open(small());
        long h = allocQuietly(a, 3L * PAGE);
        long peak = a.usedBytes();
        assertEquals(3L * PAGE, peak);
        a.free(h);
        quiesce(a);
        quiesce(a);
        AllocatorStats s = a.stats();
        assertEquals(0, s.usedBytes());
        assertTrue(s.peakUsedBytes() >= peak, "peak used " + s.peakUsedBytes() + ", was " + peak + ": " + s);
    }

    // ------------------------------------------------------------------ close

    @Test
    void closeGivesBackEveryByteAndLaterUseThrows() {
        SlabAllocator a = open(small());
        long h = alloc(a, 100);
        alloc(a, PAGE);
        for (int i = 0; i < 6; i++) {
            alloc(a, 30_000);
        }
        MemorySegment seg = a.segment(h);
        assertTrue(seg.scope().isAlive());
        assertTrue(a.stats().regions() >= 2);
        assertFalse(a.isClosed());

        a.close();
        assertTrue(a.isClosed());
        assertEquals(0, a.reservedBytes());
        assertEquals(0, a.stats().reservedBytes());
        assertEquals(0, a.stats().regions());
        assertFalse(seg.scope().isAlive(), "the region's memory is freed");
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_BYTE, 0));

        List<Executable> uses = List.of(
                () -> a.allocate(100),
                () -> a.free(h),
                () -> a.retire(h),
                () -> a.drainPage(0),
                () -> a.setLimit(MIB),
                a::reclaim);
        for (Executable use : uses) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
        a.close(); // idempotent
        assertEquals(0, a.reservedBytes());
    }

    @Test
    void closeWithChunksRetiredAndPagesInGraceReleasesEverything() {
        SlabAllocator a = open(small());
        List<Long> hs = new ArrayList<>();
        for (int i = 0; i < 3 * (PAGE / 512); i++) {
            hs.add(alloc(a, 512));
        }
        for (long h : hs) {
            a.retire(h);
        }
        a.close();
        assertEquals(0, a.reservedBytes());
        assertTrue(a.isClosed());
    }

    static Set<Long> toSet(long[] hs) {
        Set<Long> s = new HashSet<>();
        for (long h : hs) {
            s.add(h);
        }
        return s;
    }
}
