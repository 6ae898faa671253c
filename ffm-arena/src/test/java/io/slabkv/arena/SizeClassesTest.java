package io.slabkv.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SizeClassesTest {

    @Test
    void defaultTableStartsAtMinChunkAndGrowsBy125() {
        SizeClasses sc = new SizeClasses(32, 1.25, 1 << 20);
        assertEquals(32, sc.chunkSize(0));
        // 32 * 1.25 = 40; 40 * 1.25 = 50 -> 56; 56 * 1.25 = 70 -> 72; 72 * 1.25 = 90 -> 96; 96 * 1.25 = 120
        assertEquals(List.of(32, 40, 56, 72, 96, 120),
                List.of(sc.chunkSize(0), sc.chunkSize(1), sc.chunkSize(2), sc.chunkSize(3), sc.chunkSize(4),
                        sc.chunkSize(5)));
        assertEquals(1 << 20, sc.chunkSize(sc.count() - 1));
        assertEquals(1 << 20, sc.maxChunkSize());
        assertEquals(1.25, sc.growth());
    }

    /** The table's invariants, and classOf against a linear scan for every size 1..pageSize. */
    @ParameterizedTest(name = "min {0}, growth {1}, page {2}")
    @CsvSource({
            "32, 1.25, 65536",
            "32, 1.25, 1048576",   // page above the direct-lookup limit: sizes past 16 KiB use binary search
            "16, 1.05, 65536",
            "16, 1.05, 4096",
            "48, 2.0, 65536",
            "16, 2.0, 4096",
            "32, 1.5, 32768",
            "4096, 1.25, 4096",    // a single class: the page
    })
    void tableInvariantsAndClassOfForEverySize(int minChunk, double growth, int pageSize) {
        SizeClasses sc = new SizeClasses(minChunk, growth, pageSize);
        int n = sc.count();
        assertEquals(minChunk, sc.chunkSize(0), "first class is the minimum chunk");
        assertEquals(pageSize, sc.chunkSize(n - 1), "last class is the page size");
        for (int c = 0; c < n; c++) {
            int size = sc.chunkSize(c);
            assertEquals(0, size % 8, "class " + c + " chunk " + size + " is not 8-byte aligned");
            assertEquals(pageSize / size, sc.chunksPerPage(c), "chunks per page of class " + c);
            if (c > 0) {
                int prev = sc.chunkSize(c - 1);
                assertTrue(size > prev, "classes must strictly increase: " + prev + " then " + size);
                if (c < n - 1) {
                    // each step is the growth factor, rounded up to 8, and at least 8 more
                    long expected = Math.max(((long) Math.ceil(prev * growth) + 7) & ~7L, prev + 8L);
                    assertEquals(expected, size, "class " + c + " after " + prev + " at growth " + growth);
                } else {
                    assertTrue(size <= Math.max(((long) Math.ceil(prev * growth) + 7) & ~7L, prev + 8L),
                            "the page-size class follows the previous one by at most one growth step");
                }
            }
        }
        int c = 0;
        for (int size = 1; size <= pageSize; size++) {
            while (sc.chunkSize(c) < size) {
                c++;
            }
            int got = sc.classOf(size);
            if (got != c) {
                throw new AssertionError("classOf(" + size + ") = " + got + " (chunk " + sc.chunkSize(got)
                        + "), expected the smallest fitting class " + c + " (chunk " + sc.chunkSize(c) + ")");
            }
        }
    }

    @Test
    void growthBoundsAreInclusive() {
        assertTrue(new SizeClasses(16, SizeClasses.MIN_GROWTH, 4096).count() > 1);
        SizeClasses doubling = new SizeClasses(16, SizeClasses.MAX_GROWTH, 4096);
        // 16, 32, ..., 4096
        assertEquals(9, doubling.count());
        for (int c = 0; c < doubling.count(); c++) {
            assertEquals(16 << c, doubling.chunkSize(c));
        }
    }

    @Test
    void classOfRejectsSizesOutsideOneToPage() {
        SizeClasses sc = new SizeClasses(32, 1.25, 65536);
        for (long bad : new long[] {0, -1, Long.MIN_VALUE, 65537, Long.MAX_VALUE, 1L << 32}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sc.classOf(bad));
            assertTrue(e.getMessage().contains("chunk size " + bad), e.getMessage());
            assertTrue(e.getMessage().contains("65536"), e.getMessage());
        }
        assertEquals(sc.count() - 1, sc.classOf(65536));
        assertEquals(0, sc.classOf(1));
    }

    @Test
    void constructorRejectsBadParametersNamingValueAndRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SizeClasses(32, 1.04, 4096));
        assertTrue(e.getMessage().contains("growth factor 1.04") && e.getMessage().contains("between 1.05 and 2.0"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SizeClasses(32, 2.01, 4096));
        assertTrue(e.getMessage().contains("growth factor 2.01"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SizeClasses(32, Double.NaN, 4096));
        assertTrue(e.getMessage().contains("growth factor NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SizeClasses(20, 1.25, 4096));
        assertTrue(e.getMessage().contains("minimum chunk size 20") && e.getMessage().contains("multiple of 8"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SizeClasses(8, 1.25, 4096));
        assertTrue(e.getMessage().contains("minimum chunk size 8") && e.getMessage().contains("at least 16"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SizeClasses(8192, 1.25, 4096));
        assertTrue(e.getMessage().contains("8192") && e.getMessage().contains("page size 4096"), e.getMessage());
        // 1.05 from 16 B up to 1 GiB pages needs more than 255 classes
        e = assertThrows(IllegalArgumentException.class, () -> new SizeClasses(16, 1.05, 1 << 30));
        assertTrue(e.getMessage().contains("at most 255"), e.getMessage());
    }

    @Test
    void toStringPrintsTheTable() {
        SizeClasses sc = new SizeClasses(32, 1.25, 65536);
        String s = sc.toString();
        String[] lines = s.split("\\R");
        assertEquals(String.format("size classes: %d, growth %.3f, page %d bytes", sc.count(), 1.25, 65536), lines[0]);
        assertEquals(2 + sc.count(), lines.length, s);
        for (int c = 0; c < sc.count(); c++) {
            String[] cols = lines[2 + c].trim().split("\\s+");
            assertEquals(String.valueOf(c), cols[0], lines[2 + c]);
            assertEquals(String.valueOf(sc.chunkSize(c)), cols[1], lines[2 + c]);
            assertEquals(String.valueOf(sc.chunksPerPage(c)), cols[2], lines[2 + c]);
        }
    }
}
