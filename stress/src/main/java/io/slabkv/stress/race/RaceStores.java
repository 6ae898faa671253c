package io.slabkv.stress.race;

import io.slabkv.SlabKV;
import io.slabkv.engine.index.OffHeapIndex;
import io.slabkv.stress.pool.RegionPool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Stores for the race tests, sized in whole pages so that a test can put a store exactly at its
 * hard limit, and the checks the tests make on the values they read.
 *
 * <p>Every store has 4 KiB pages (the smallest), one page per region (so a lower limit can give
 * back single pages), an index for {@value #EXPECTED} entries, a maximum limit equal to its limit
 * (the allocator sizes its per-page tables by it) and no background monitor: the tests call
 * {@link SlabKV#maintain()} where they mean maintenance to race.
 *
 * <p>Values are uniform byte patterns: every byte of value {@code v} is {@code v}. A reader that gets
 * a value can tell a complete one from a mix of two, or from another key's.
 */
final class RaceStores {

    static final int PAGE = 4096;
    static final long EXPECTED = 16;
    static final long INDEX_BYTES = OffHeapIndex.bytesFor(EXPECTED);
    /** The largest value a long key's entry (8-byte header, 8-byte key) can have: it fills a page. */
    static final int PAGE_VALUE = PAGE - 16;
    /** What {@link #valueOf} reports for a missing key, and for a value that is not what was put. */
    static final int ABSENT = 0, MIXED = -1, WRONG_LENGTH = -2;

    private static final ValueLayout.OfLong KEY = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RaceStores() {
    }

    /** The limit of a store with room for the index and {@code pages} pages. */
    static long limit(int pages) {
        return INDEX_BYTES + (long) pages * PAGE;
    }

    /**
     * A builder for a store whose memory limit leaves {@code pages} pages beside the index, its pages
     * from the {@link RegionPool}, which {@code close()} (in the arbiter) refills.
     */
    static SlabKV.Builder pages(int pages) {
        return SlabKV.builder()
                .memoryLimit(limit(pages))
                .maxMemoryLimit(limit(pages))
                .expectedEntries(EXPECTED)
                .pageSize(PAGE)
                .regionSize(PAGE)
                .pageSource(RegionPool.INSTANCE)
                .backgroundMonitor(false);
    }

    /**
     * {@link #pages} with the {@code pages} in one region, so a run of pages (a value larger than a
     * page) can take them all.
     */
    static SlabKV.Builder pagesInOneRegion(int pages) {
        return pages(pages).regionSize((long) pages * PAGE);
    }

    /** A value of {@code length} bytes, every one of them {@code version}. */
    static MemorySegment value(int version, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) version);
        return MemorySegment.ofArray(bytes).asReadOnly();
    }

    /**
     * Gets {@code key} into {@code dst} and says what it found: {@link #ABSENT}; the version of a
     * complete uniform value of {@code length} bytes; {@link #MIXED} when its bytes differ;
     * {@link #WRONG_LENGTH} when the length is not {@code length}.
     */
    static int valueOf(SlabKV kv, long key, MemorySegment dst, int length) {
        int n = kv.get(key, dst);
        return n == SlabKV.MISS ? ABSENT : classify(dst, n, length);
    }

    /** What {@link #valueOf} reports for the {@code n} bytes at the start of {@code dst}. */
    static int classify(MemorySegment dst, int n, int length) {
        if (n != length) {
            return WRONG_LENGTH;
        }
        byte first = dst.get(ValueLayout.JAVA_BYTE, 0);
        for (long i = 1; i < n; i++) {
            if (dst.get(ValueLayout.JAVA_BYTE, i) != first) {
                return MIXED;
            }
        }
        return first;
    }

    /**
     * The address of {@code key}'s value bytes in the store's pages, or 0 when the key is absent. Two
     * entries at one address share memory: the later one reused the earlier one's chunk or page.
     */
    static long valueAddress(SlabKV kv, long key) {
        long[] at = new long[1];
        kv.forEach((k, v) -> {
            if (k.byteSize() == Long.BYTES && k.get(KEY, 0) == key) {
                at[0] = v.address();
            }
        });
        return at[0];
    }
}
