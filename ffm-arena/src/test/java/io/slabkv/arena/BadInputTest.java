package io.slabkv.arena;

import static io.slabkv.arena.Fixtures.MIB;
import static io.slabkv.arena.Fixtures.PAGE;
import static io.slabkv.arena.Fixtures.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every bad input gets an {@link IllegalArgumentException} naming the value and the rule, changes
 * nothing, and leaves the allocator usable. Runtime checks run over both variants.
 */
class BadInputTest {

    private SlabAllocator a;

    @AfterEach
    void close() {
        if (a != null) {
            a.close();
        }
    }

    private static IllegalArgumentException refused(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
        return e;
    }

    /** The allocator still allocates, stores, frees and reuses, and its counters moved only by that. */
    private static void assertStillUsable(SlabAllocator a) {
        AllocatorStats before = a.stats();
        long h = a.allocate(200);
        assertNotEquals(ChunkHandle.NONE, h);
        Fixtures.fill(a, h, 200, 77);
        Fixtures.assertPattern(a, h, 200, 77);
        a.free(h);
        assertEquals(h, a.allocate(200));
        a.free(h);
        AllocatorStats after = a.stats();
        assertEquals(before.allocations() + 2, after.allocations());
        assertEquals(before.frees() + 2, after.frees());
        assertEquals(before.usedBytes(), after.usedBytes());
        assertEquals(before.failuresAtLimit(), after.failuresAtLimit());
    }

    @ParameterizedTest
    @EnumSource(Fixtures.Variant.class)
    void sizeOutsideOneToTheLargestClass(Fixtures.Variant v) {
        a = v.build(small());
        // The largest allocation is a run of pages as long as one region (4 pages of 64 KiB here).
        for (long size : new long[] {0, -1, -PAGE, Long.MIN_VALUE, Fixtures.REGION + 1, 1L << 31, Long.MAX_VALUE}) {
            refused(() -> a.allocate(size), "chunk size " + size, "between 1 and " + Fixtures.REGION + " bytes",
                    "a run of 4 pages of " + PAGE + " bytes, one region");
        }
        assertEquals(0, a.stats().allocations());
        assertEquals(0, a.stats().failuresAtLimit(), "a bad size is not a failure at the limit");
        assertStillUsable(a);
    }

    @ParameterizedTest
    @EnumSource(Fixtures.Variant.class)
    void badHandlesToFreeAndRetire(Fixtures.Variant v) {
        a = v.build(small());
        int shift = a.pageShift();
        long h = a.allocate(100); // class of 120-byte chunks: 546 per page, 65520 usable bytes
        long other = a.allocate(100);
        assertEquals(120, a.chunkSize(h));
        int page = ChunkHandle.page(h, shift);
        Map<String, Long> bad = new LinkedHashMap<>();
        bad.put("NONE", ChunkHandle.NONE);
        bad.put("page beyond the maximum", ChunkHandle.of(a.maxPages(), 0, shift));
        bad.put("page far beyond the maximum", ChunkHandle.of(Integer.MAX_VALUE, 0, shift));
        bad.put("page in the pool", ChunkHandle.of(3, 0, shift));
        bad.put("page never reserved", ChunkHandle.of(9, 0, shift));
        bad.put("offset inside a chunk", h + 8);
        bad.put("offset past the last whole chunk", ChunkHandle.of(page, 546 * 120, shift));
        bad.put("offset never carved", ChunkHandle.of(page, 10 * 120, shift));
        bad.put("garbage high bits aliasing a live page", h | (1L << (32 + shift)));
        bad.put("negative handle aliasing a live page", h | Long.MIN_VALUE);
        List<String> ops = List.of("free", "retire");
        for (String op : ops) {
            for (Map.Entry<String, Long> e : bad.entrySet()) {
                long handle = e.getValue();
                AllocatorStats before = a.stats();
                int liveBefore = a.liveChunks(page);
                IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                        () -> {
                            if (op.equals("free")) {
                                a.free(handle);
                            } else {
                                a.retire(handle);
                            }
                        }, op + " of " + e.getKey());
                assertTrue(ex.getMessage().contains("handle " + handle), op + " of " + e.getKey() + ": " + ex.getMessage());
                assertTrue(ex.getMessage().contains("does not name"), ex.getMessage());
                AllocatorStats after = a.stats();
                assertEquals(before.frees(), after.frees(), op + " of " + e.getKey() + " changed the counters");
                assertEquals(before.pendingReclaim(), after.pendingReclaim(), op + " of " + e.getKey() + " was queued");
                assertEquals(liveBefore, a.liveChunks(page), op + " of " + e.getKey() + " changed the page");
            }
        }
        // nothing bad was queued for later: reclaiming and allocating do not throw, and the chunks
        // handed out so far are still distinct
        a.reclaim();
        a.reclaim();
        assertStillUsable(a);
        long next = a.allocate(100);
        assertNotEquals(h, next);
        assertNotEquals(other, next);
        a.free(h);
        a.free(other);
        a.free(next);
        assertEquals(0, a.stats().usedBytes());
    }

    /**
     * On a page carved to its end the bump offset is past the last chunk (the attempt that found it
     * exhausted still added a chunk), so only the page geometry tells the tail slack from a chunk.
     */
    @ParameterizedTest
    @EnumSource(Fixtures.Variant.class)
    void handleInTheSlackAfterTheLastChunkOfAFullPage(Fixtures.Variant v) {
        a = v.build(small());
        long first = a.allocate(100);
        for (int i = 1; i < 546; i++) {
            a.allocate(100);
        }
        long next = a.allocate(100); // the page is exhausted: this one comes from another page
        int page = ChunkHandle.page(first, a.pageShift());
        assertNotEquals(page, ChunkHandle.page(next, a.pageShift()));
        long slack = ChunkHandle.of(page, 546 * 120, a.pageShift()); // bytes 65520..65535: 16 bytes, no chunk
        refused(() -> a.free(slack), "handle " + slack, "past the page's last chunk");
        refused(() -> a.retire(slack), "handle " + slack, "past the page's last chunk");
        assertEquals(546, a.liveChunks(page));
        assertEquals(0, a.stats().frees());
        assertStillUsable(a);
    }

    @ParameterizedTest
    @EnumSource(Fixtures.Variant.class)
    void limitBelowOnePageOrAboveTheMaximum(Fixtures.Variant v) {
        for (long limit : new long[] {PAGE - 1, 1, 0, -1}) {
            refused(() -> v.build(small().memoryLimit(limit)), "memory limit " + limit, "at least one page (" + PAGE + " bytes)");
        }
        a = v.build(small().maxMemoryLimit(4 * MIB));
        for (long limit : new long[] {PAGE - 1, 0, -PAGE}) {
            refused(() -> a.setLimit(limit), "memory limit " + limit, "between one page (" + PAGE + ")");
        }
        refused(() -> a.setLimit(4 * MIB + PAGE), "memory limit " + (4 * MIB + PAGE), "maximum limit set at build time (" + 4 * MIB + ")");
        assertEquals(MIB, a.limit());
        assertStillUsable(a);
        // exactly one page is a valid limit (the region holding the live page cannot go: 3 pages over)
        assertEquals(3 * PAGE, a.setLimit(PAGE));
        assertEquals(PAGE, a.limit());
        assertEquals(0, a.setLimit(4 * MIB)); // and so is the maximum
        assertStillUsable(a);
    }

    @ParameterizedTest
    @EnumSource(Fixtures.Variant.class)
    void drainPageOutsideThePageRange(Fixtures.Variant v) {
        a = v.build(small());
        for (int p : new int[] {-1, a.maxPages(), Integer.MAX_VALUE}) {
            refused(() -> a.drainPage(p), "page " + p, "outside 0.." + (a.maxPages() - 1));
        }
        assertStillUsable(a);
    }

    @Test
    void growthFactorOutsideTheRange() {
        for (double g : new double[] {1.04, 2.01, 1.0, 0, -1.25, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused(() -> small().growthFactor(g).buildShared(), "growth factor " + g, "between 1.05 and 2.0");
            refused(() -> small().growthFactor(g).buildConfined(), "growth factor " + g, "between 1.05 and 2.0");
        }
        try (SlabAllocator ok = small().growthFactor(1.05).buildShared()) {
            assertEquals(1.05, ok.sizeClasses().growth());
        }
    }

    @Test
    void pageSizeThatIsNotAPowerOfTwoOrOutOfRange() {
        for (int p : new int[] {100_000, 65_535, 3 * 4096, 2048, 0, -4096, Integer.MIN_VALUE, (1 << 30) + 4096}) {
            refused(() -> small().pageSize(p).memoryLimit(1L << 31).regionSize(1L << 31).buildShared(),
                    "page size " + p, "power of two from 4096 to 1073741824 bytes");
        }
    }

    @Test
    void otherBuilderValues() {
        Map<String, UnaryOperator<SlabAllocator.Builder>> cases = new LinkedHashMap<>();
        cases.put("minimum chunk size 20|multiple of 8", b -> b.minChunkSize(20));
        cases.put("minimum chunk size 8|at least 16", b -> b.minChunkSize(8));
        cases.put("minimum chunk size -8|at least 16", b -> b.minChunkSize(-8));
        cases.put("region size 4096|at least one page (65536 bytes)", b -> b.regionSize(4096));
        cases.put("region size 0|must be positive", b -> b.regionSize(0));
        cases.put("region size -1|must be positive", b -> b.regionSize(-1));
        cases.put("maximum memory limit 65536|at least the memory limit 1048576", b -> b.maxMemoryLimit(PAGE));
        for (Map.Entry<String, UnaryOperator<SlabAllocator.Builder>> c : cases.entrySet()) {
            refused(() -> c.getValue().apply(small()).buildShared(), c.getKey().split("\\|"));
        }
    }

    /** The default region is 4 MiB, or one page when pages are larger (a 16 MiB page needs no setting). */
    @Test
    void defaultRegionFollowsThePageSize() {
        try (SharedSlabAllocator small = SlabAllocator.builder().memoryLimit(64L << 20).buildShared()) {
            assertTrue(small.allocate(100) != ChunkHandle.NONE);
            assertEquals(SlabAllocator.Builder.DEFAULT_REGION_BYTES, small.reservedBytes(), small.toString());
        }
        try (SharedSlabAllocator big = SlabAllocator.builder().pageSize(16 << 20).memoryLimit(64L << 20).buildShared()) {
            assertTrue(big.allocate(100) != ChunkHandle.NONE);
            assertEquals(16L << 20, big.reservedBytes(), big.toString());
        }
    }

    @Test
    void aRejectedBuilderValueCanBeCorrected() {
        SlabAllocator.Builder b = small().growthFactor(3.0);
        refused(b::buildConfined, "growth factor 3.0");
        a = b.growthFactor(2.0).buildConfined();
        assertStillUsable(a);
    }
}
