package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The page size a store gets when none is set follows its memory limit (SlabKV.Builder.defaultPageSize). */
class DefaultPageSizeTest {

    @Test
    void thePageIsA256thOfTheLimitBetween64KiBAnd1MiB() {
        assertEquals(64 << 10, SlabKV.Builder.defaultPageSize(1));
        assertEquals(64 << 10, SlabKV.Builder.defaultPageSize(16L << 20));
        assertEquals(128 << 10, SlabKV.Builder.defaultPageSize(32L << 20));
        assertEquals(256 << 10, SlabKV.Builder.defaultPageSize(64L << 20));
        assertEquals(256 << 10, SlabKV.Builder.defaultPageSize(100L << 20)); // 400 KiB: rounded down
        assertEquals(512 << 10, SlabKV.Builder.defaultPageSize((256L << 20) - 1));
        assertEquals(1 << 20, SlabKV.Builder.defaultPageSize(256L << 20));
        assertEquals(1 << 20, SlabKV.Builder.defaultPageSize(256L << 30)); // default maximum 1 TiB: 2^20 pages
        assertEquals(1 << 20, SlabKV.Builder.defaultPageSize(1L << 40)); // default maximum 4 TiB: 2^22 pages
        assertEquals(2 << 20, SlabKV.Builder.defaultPageSize(2L << 40)); // default maximum 8 TiB: 2 MiB pages
    }

    @Test
    void aLargeMaximumLimitKeepsThePageTableToFourMillionPages() {
        // 64 MiB alone gives 256 KiB pages; allowed to grow to 1 TiB (2^22 of them) it keeps them
        // (the page table's leaves follow the pages reserved); allowed 4 TiB, the page grows to 1 MiB.
        assertEquals(256 << 10, SlabKV.Builder.defaultPageSize(64L << 20, 64L << 30));
        assertEquals(256 << 10, SlabKV.Builder.defaultPageSize(64L << 20, 1L << 40));
        assertEquals(1 << 20, SlabKV.Builder.defaultPageSize(64L << 20, 4L << 40));
        assertEquals(512 << 10, SlabKV.Builder.defaultPageSize(64L << 20, (1L << 41) - 1)); // rounded up
        // Above 4 TiB the page grows past 1 MiB to keep the table at 2^22 pages, up to 1 GiB pages,
        assertEquals(4 << 20, SlabKV.Builder.defaultPageSize(4L << 40, 16L << 40));
        assertEquals(1 << 30, SlabKV.Builder.defaultPageSize(1L << 50, 1L << 52));
        // but never above a 16th of the limit.
        assertEquals(4 << 20, SlabKV.Builder.defaultPageSize(64L << 20, 1L << 50));
        assertEquals(4 << 20, SlabKV.Builder.defaultPageSize(64L << 20, Long.MAX_VALUE));
        try (SlabKV kv = SlabKV.builder().memoryLimit(64L << 20).maxMemoryLimit(4L << 40).backgroundMonitor(false)
                .build()) {
            assertEquals(1 << 20, pageSize(kv));
        }
    }

    @Test
    void aMaximumJustAboveAPowerOfTwoMillionPagesTakesTheNextPage() {
        // 2^41 + 256 KiB is 2^22 + 1 pages of 512 KiB: the page rounds up to 1 MiB (2^21 + 1 pages).
        long max = (1L << 41) + (256 << 10);
        assertEquals(1 << 20, SlabKV.Builder.defaultPageSize(64L << 20, max));
        assertEquals(512 << 10, SlabKV.Builder.defaultPageSize(64L << 20, 1L << 41)); // exactly 2^22 pages
        try (SlabKV kv = SlabKV.builder().memoryLimit(64L << 20).maxMemoryLimit(max).backgroundMonitor(false)
                .build()) {
            int pages = ((io.slabkv.engine.store.Store) kv).allocator().maxPages();
            assertTrue(pages <= SlabKV.Builder.MAX_DEFAULT_PAGES, pages + " pages of " + pageSize(kv) + " bytes");
        }
    }

    @Test
    void aTerabyteStoreGetsPagesThatKeepItsPageTableSmall() {
        // 1 TiB, default maximum 4 TiB: 1 MiB pages, 2^22 page numbers (top arrays of 4,096 leaves; a
        // table sized for them up front was about 280 MB of heap before a byte was stored). 2 TiB,
        // default maximum 8 TiB: 2 MiB pages.
        try (SlabKV kv = SlabKV.builder().memoryLimit(1L << 40).backgroundMonitor(false).build()) {
            assertEquals(1 << 20, pageSize(kv));
            assertEquals(1L << 40, kv.stats().memoryLimit());
        }
        try (SlabKV kv = SlabKV.builder().memoryLimit(2L << 40).backgroundMonitor(false).build()) {
            assertEquals(2 << 20, pageSize(kv));
        }
    }

    @Test
    void aLimitBeyondWhatThePageTableAddressesIsRefusedByItsOwnName() {
        for (long limit : new long[] {1L << 62, Long.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SlabKV.builder().memoryLimit(limit).build());
            // Not "maximum memory limit 4294967296 must be at least the memory limit ...": the default
            // maximum (4 x limit) overflowed, and the message named a maximum nobody had set.
            assertEquals("memory limit " + limit + " is more than a store addresses: 2147483639 pages of 1073741824"
                    + " bytes", e.getMessage());
        }
        // A maximum set far beyond what pages of a 16th of the limit address is named as the maximum.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlabKV.builder().memoryLimit(64L << 20).maxMemoryLimit(Long.MAX_VALUE).build());
        assertEquals("maximum memory limit " + Long.MAX_VALUE + " is more than a store addresses: 2147483639 pages"
                + " of 4194304 bytes (a larger pageSize addresses more)", e.getMessage());
        // Up to what 1 GiB pages address, a limit builds (nothing is reserved until entries arrive).
        try (SlabKV kv = SlabKV.builder().memoryLimit(1L << 50).backgroundMonitor(false).build()) {
            assertEquals(1 << 30, pageSize(kv));
        }
    }

    @Test
    void aStoreWithoutAPageSizeGetsTheDefaultAndAnExplicitOneWins() {
        try (SlabKV kv = SlabKV.builder().memoryLimit(128L << 20).backgroundMonitor(false).build()) {
            assertEquals(512 << 10, pageSize(kv));
        }
        try (SlabKV kv = SlabKV.builder().build()) { // the default limit, 64 MiB
            assertEquals(256 << 10, pageSize(kv));
        }
        try (SlabKV kv = SlabKV.builder().memoryLimit(256L << 20).pageSize(4096).backgroundMonitor(false).build()) {
            assertEquals(4096, pageSize(kv));
        }
    }

    private static int pageSize(SlabKV kv) {
        return ((io.slabkv.engine.store.Store) kv).allocator().pageSize();
    }

    @Test
    void aPageSizeOfZeroOrBelowIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SlabKV.builder().pageSize(0));
        assertTrue(e.getMessage().contains("page size 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SlabKV.builder().pageSize(-4096));
        assertTrue(e.getMessage().contains("page size -4096"), e.getMessage());
    }

    /**
     * Why the default follows the limit: values of 48 sizes (about as many size classes) under a
     * 32 MiB limit. Each class in use holds a partly carved page, and 1 MiB pages are fewer than the
     * classes, so the classes keep taking pages from each other and most of the limit holds no value
     * (first run: 6.3 MB of values held in 1,135 entries; at 16 MiB, 125 KB in 21). With the default
     * (128 KiB here): 24.2 MB in 6,315 entries.
     */
    @Test
    void manySizeClassesUnderASmallLimitKeepMostOfTheLimitInValues() {
        long limit = 32L << 20;
        long withDefault = valueBytesHeld(SlabKV.builder().memoryLimit(limit), limit);
        long withLargePages = valueBytesHeld(SlabKV.builder().memoryLimit(limit).pageSize(1 << 20), limit);
        assertTrue(withDefault >= limit / 2, "default pages: " + withDefault + " value bytes held under " + limit);
        assertTrue(withDefault > withLargePages * 2,
                "default pages hold " + withDefault + " value bytes, 1 MiB pages " + withLargePages);
    }

    /** Fills a store far past its limit with values of 48 sizes from 64 B to 48 KiB; returns the value bytes it holds. */
    private static long valueBytesHeld(SlabKV.Builder builder, long limit) {
        int[] sizes = new int[48];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = (int) Math.round(64 * Math.pow(1.15, i)); // about one size class (growth 1.25) each
        }
        try (SlabKV kv = builder.expectedEntries(100_000).backgroundMonitor(false).build();
                Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(sizes[sizes.length - 1]);
            SplittableRandom rnd = new SplittableRandom(11);
            long written = 0;
            for (long k = 0; written < 3 * limit; k++) {
                int size = sizes[rnd.nextInt(sizes.length)];
                kv.put(k, v.asSlice(0, size));
                written += size;
                if (k % 1000 == 0) {
                    kv.maintain();
                }
            }
            kv.maintain();
            long[] held = {0};
            kv.forEach((key, value) -> held[0] += value.byteSize());
            System.out.printf("page %,d B: %,d value bytes held in %,d entries under a limit of %,d%n",
                    pageSize(kv), held[0], kv.stats().entries(), limit);
            return held[0];
        }
    }
}
