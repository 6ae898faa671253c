package io.slabkv.nativemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabkv.arena.Region;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every variant of {@link MmapPageSource} promises, whatever its options: usable memory of
 * the size asked, the alignment asked, discard that leaves the region usable, and a release that
 * unmaps and turns later access into an exception instead of a crash.
 */
abstract class PageSourceContract {

    static final long MIB = 1L << 20;

    MmapPageSource source;

    abstract MmapPageSource newSource();

    @BeforeEach
    void open() {
        source = newSource();
    }

    @AfterEach
    void allRegionsReleased() {
        assertEquals(0, source.regions(), "a test leaked a region of " + source);
        assertEquals(0, source.mappedBytes());
    }

    @Test
    void reservesZeroedWritableMemoryOfTheRequestedSize() {
        Region r = source.reserve(4 * MIB, 4096);
        try {
            MemorySegment m = r.memory();
            assertEquals(4 * MIB, m.byteSize());
            assertEquals(1, source.regions());
            assertTrue(source.mappedBytes() >= 4 * MIB);
            for (long off = 0; off < m.byteSize(); off += 4096) {
                assertEquals(0L, m.get(ValueLayout.JAVA_LONG, off), "fresh anonymous memory reads zero");
                m.set(ValueLayout.JAVA_LONG, off, off ^ 0x5a5a5a5aL);
            }
            for (long off = 0; off < m.byteSize(); off += 4096) {
                assertEquals(off ^ 0x5a5a5a5aL, m.get(ValueLayout.JAVA_LONG, off));
            }
        } finally {
            r.release();
        }
    }

    @Test
    void honoursTheAlignmentAsked() {
        for (long alignment : new long[] {4096, MIB, 8 * MIB, 64 * MIB}) {
            Region r = source.reserve(2 * MIB, alignment);
            try {
                assertEquals(0, r.memory().address() % alignment,
                        "address 0x" + Long.toHexString(r.memory().address()) + " for alignment " + alignment);
            } finally {
                r.release();
            }
        }
    }

    @Test
    void discardLeavesTheRegionMappedAndUsable() {
        Region r = source.reserve(4 * MIB, MIB);
        try {
            MemorySegment m = r.memory();
            boolean locked = ((MmapRegion) r).locked();
            boolean hugetlb = ((MmapRegion) r).hugetlb();
            m.fill((byte) 7);
            r.discard(2 * MIB, 2 * MIB); // whole pages of any size
            r.discard(MIB, MIB);         // half a 2 MiB huge page: given back only with base pages
            r.discard(4097, 100);        // inside one page: nothing to give back, no error
            r.discard(0, 0);
            assertEquals(7, m.get(ValueLayout.JAVA_BYTE, 0), "bytes outside the discarded ranges are kept");
            assertEquals(7, m.get(ValueLayout.JAVA_BYTE, 4097), "a partial page is kept");
            assertEquals(locked || hugetlb ? 7 : 0, m.get(ValueLayout.JAVA_BYTE, MIB + 5));
            assertEquals(locked ? 7 : 0, m.get(ValueLayout.JAVA_BYTE, 3 * MIB), "a discarded unlocked page reads zero");
            m.set(ValueLayout.JAVA_BYTE, 3 * MIB, (byte) 9);
            assertEquals(9, m.get(ValueLayout.JAVA_BYTE, 3 * MIB), "a discarded page is writable again");
        } finally {
            r.release();
        }
    }

    @Test
    void releaseUnmapsAndLaterAccessThrowsInsteadOfCrashing() {
        Region r = source.reserve(2 * MIB, MIB);
        long address = r.memory().address();
        assertTrue(Proc.mapped(address));
        r.release();
        assertFalse(Proc.mapped(address), "0x" + Long.toHexString(address) + " is still mapped after release");
        assertThrows(IllegalStateException.class, () -> r.memory().get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, r::release);
        assertThrows(IllegalStateException.class, () -> r.discard(0, 4096));
        assertEquals(0, source.regions());
    }

    @Test
    void refusesBadSizesNamingTheValueAndTheRule() {
        for (long bad : new long[] {-4096, 0, 4097, 3 * MIB + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source.reserve(bad, 4096));
            assertTrue(e.getMessage().contains("region size " + bad + " must be a positive multiple of the OS page size ("
                    + source.osPageSize() + " bytes)"), e.getMessage());
        }
        for (long bad : new long[] {0, -8, 3, 4097}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source.reserve(MIB, bad));
            assertTrue(e.getMessage().contains("alignment " + bad + " must be a power of two"), e.getMessage());
        }
        Region r = source.reserve(MIB, 4096);
        try {
            for (long[] bad : new long[][] {{-1, 10}, {0, -1}, {MIB - 10, 11}, {Long.MAX_VALUE, 1}}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> r.discard(bad[0], bad[1]));
                assertTrue(e.getMessage().contains("must lie inside the region of " + MIB + " bytes"), e.getMessage());
            }
        } finally {
            r.release();
        }
        assertEquals(0, source.regions(), "refused requests leave nothing mapped");
    }
}
