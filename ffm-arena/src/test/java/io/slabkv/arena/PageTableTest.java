package io.slabkv.arena;

import static io.slabkv.arena.Fixtures.firstMismatch;
import static io.slabkv.arena.Fixtures.fill;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The page table's leaves ({@link PageTable}): made as regions reach their page numbers, not for
 * the maximum limit up front; pages on both sides of a leaf boundary, and inside one region that
 * straddles it, work as any other; and page numbers no region reached (no leaf) are refused or
 * answered as unused, never a NullPointerException.
 */
class PageTableTest {

    private static final int PAGE = 4096;

    /** 4 KiB pages, regions of 3 pages (so one region straddles the first leaf boundary, 1023..1025). */
    private static SlabAllocator.Builder straddling(long limitPages) {
        return SlabAllocator.builder().pageSize(PAGE).regionSize(3L * PAGE).memoryLimit(limitPages * PAGE)
                .maxMemoryLimit(1L << 40);
    }

    @ParameterizedTest
    @EnumSource(Fixtures.Variant.class)
    void leavesFollowTheReservedPagesNotTheMaximum(Fixtures.Variant v) {
        try (SlabAllocator a = v.build(straddling(3000))) {
            // 1 TiB of 4 KiB pages: 2^28 page numbers, 2^18 leaves possible, none made yet.
            assertEquals(1 << 28, a.maxPages());
            assertEquals(1 << 18, a.table.pageClass.length);
            assertEquals(0, a.table.leaves());
            long h = a.allocate(100);
            assertNotEquals(ChunkHandle.NONE, h);
            assertEquals(1, a.table.leaves(), "one region of 3 pages: one leaf");
            List<Long> chunks = new ArrayList<>();
            // Whole pages (a chunk above half a page is alone on its page): 2,000 of them, two leaves.
            for (int i = 0; i < 2000; i++) {
                long c = a.allocate(3000);
                assertNotEquals(ChunkHandle.NONE, c, "page " + i);
                chunks.add(c);
            }
            int highWater = a.pageHighWater();
            assertTrue(highWater > 2000 && highWater <= 2001 + 3, "high water " + highWater);
            assertEquals(Math.ceilDiv(highWater, PageTable.LEAF_PAGES), a.table.leaves());
            for (long c : chunks) {
                a.free(c);
            }
            a.free(h);
        }
    }

    @ParameterizedTest
    @EnumSource(Fixtures.Variant.class)
    void chunksAcrossALeafBoundaryKeepTheirBytes(Fixtures.Variant v) {
        try (SlabAllocator a = v.build(straddling(2100))) {
            int size = 2000;
            int perPage = a.sizeClasses().chunksPerPage(a.sizeClasses().classOf(size));
            int n = 2000 * perPage; // 2,000 pages: leaves 0 and 1
            List<Long> handles = new ArrayList<>();
            boolean sawBoundaryRegion = false;
            for (int i = 0; i < n; i++) {
                long h = a.allocate(size);
                assertNotEquals(ChunkHandle.NONE, h, "chunk " + i);
                handles.add(h);
                long page = h >>> a.pageShift();
                sawBoundaryRegion |= page >= 1023 && page <= 1025;
                fill(a, h, size, i);
            }
            assertTrue(sawBoundaryRegion, "the region of pages 1023..1025 straddles leaves 0 and 1");
            for (int i = 0; i < handles.size(); i++) {
                assertEquals(-1, firstMismatch(a, handles.get(i), size, i), "chunk " + i);
            }
            // Drain a page past the boundary: it lists its chunks, as any page does.
            long past = handles.stream().mapToLong(h -> h >>> a.pageShift()).filter(p -> p > 1024).min().orElseThrow();
            long[] listed = a.drainPage((int) past);
            assertEquals(perPage, listed.length, "the chunks of page " + past);
            for (long h : handles) {
                a.free(h);
            }
            a.reclaim();
            assertEquals(0, a.usedBytes());
            // Everything freed comes back: the same memory holds the same number of chunks again.
            for (int i = 0; i < n; i++) {
                long h = a.allocate(size);
                assertNotEquals(ChunkHandle.NONE, h, "again, chunk " + i);
                fill(a, h, size, -i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Fixtures.Variant.class)
    void aRunOfPagesAcrossALeafBoundaryIsOneChunk(Fixtures.Variant v) {
        // Regions of 3 pages; runs of 3 pages take a whole region each, so the 342nd run is pages
        // 1023..1025: its head in leaf 0, the rest in leaf 1.
        try (SlabAllocator a = v.build(straddling(1300))) {
            long size = 2L * PAGE + 1;
            List<Long> runs = new ArrayList<>();
            long across = -1;
            for (int i = 0; i < 400; i++) {
                long h = a.allocate(size);
                assertNotEquals(ChunkHandle.NONE, h, "run " + i);
                runs.add(h);
                fill(a, h, size, i);
                if ((h >>> a.pageShift()) == 1023) {
                    across = h;
                }
            }
            assertTrue(across >= 0, "a run starts at page 1023");
            for (int i = 0; i < runs.size(); i++) {
                assertEquals(-1, firstMismatch(a, runs.get(i), size, i), "run " + i);
            }
            assertEquals(a.runClass(), a.pageClass(1025));
            assertEquals(a.chunkBytes(size), a.chunkSize(across));
            long[] listed = a.drainPage(1025); // a page in leaf 1 lists the run its head (leaf 0) names
            assertEquals(1, listed.length);
            assertEquals(across, listed[0]);
            for (long h : runs) {
                a.free(h);
            }
            a.reclaim();
            a.reclaim(); // the runs' pages wait out a grace period of their own
            assertEquals(0, a.usedBytes());
            assertEquals(-1, a.pageClass(1024));
            long again = a.allocate(size); // the pages came back to the pool
            assertNotEquals(ChunkHandle.NONE, again);
            fill(a, again, size, 7);
            assertEquals(-1, firstMismatch(a, again, size, 7));
        }
    }

    @ParameterizedTest
    @EnumSource(Fixtures.Variant.class)
    void pagesNoRegionReachedAreUnusedNotAnError(Fixtures.Variant v) {
        try (SlabAllocator a = v.build(straddling(30))) {
            long h = a.allocate(100);
            int far = 5 * PageTable.LEAF_PAGES + 7; // below the maximum, in a leaf never made
            assertEquals(-1, a.pageClass(far));
            assertEquals(0, a.liveChunks(far));
            assertEquals(0, a.drainPage(far).length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.free(ChunkHandle.of(far, 0, a.pageShift())));
            assertTrue(e.getMessage().contains("page " + far + " is held by no size class"), e.getMessage());
            a.free(h); // still usable
            assertNotEquals(ChunkHandle.NONE, a.allocate(100));
        }
    }
}
