package io.slabkv.arena;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Guards against the bump offset of a full page growing without bound. Two full pages take turns
 * as the current page: a free makes the other one partial, and the next allocation finds the
 * current page's free list empty, tries to carve, fails, and switches. Each failed carve used to
 * add one chunk to the page's bump offset, which wrapped negative after about 2^31 / chunk of them
 * (some 124,000 at 17 KB); frees then failed and carves would have handed out negative offsets.
 * The offset must stay within one chunk (per racing thread; this test has one) of the usable bytes.
 */
class BumpBoundTest {

    @Test
    void bumpOffsetsStayWithinTheirPages() {
        int size = 16_000;
        try (ConfinedSlabAllocator a = SlabAllocator.builder().memoryLimit(8L << 20).pageSize(64 << 10)
                .regionSize(1 << 20).buildConfined()) {
            int c = a.sizeClasses().classOf(size);
            int chunk = a.sizeClasses().chunkSize(c);
            int perPage = a.sizeClasses().chunksPerPage(c);
            int usable = perPage * chunk;
            long[][] pages = new long[2][perPage];
            for (long[] page : pages) {
                for (int i = 0; i < perPage; i++) {
                    page[i] = a.allocate(size);
                }
            }
            // 300,000 switches: 150,000 failed carves per page, past the 124,000 that wrapped.
            for (int op = 0; op < 300_000; op++) {
                long[] other = pages[op & 1];
                a.free(other[0]);
                other[0] = a.allocate(size);
                assertNotEquals(ChunkHandle.NONE, other[0], "op " + op);
            }
            for (int p = 0; p < a.maxPages(); p++) {
                if (a.pageClass(p) == c) {
                    int bump = a.bump[PageTable.hi(p)][PageTable.lo(p)];
                    assertTrue(bump >= 0 && bump <= usable + chunk,
                            "page " + p + ": bump " + bump + ", usable " + usable);
                }
            }
        }
    }
}
