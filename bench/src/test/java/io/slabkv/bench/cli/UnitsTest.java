package io.slabkv.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void sizes() throws UsageException {
        assertEquals(100, Units.size("x", "100"));
        assertEquals(100, Units.size("x", "100B"));
        assertEquals(64 << 10, Units.size("x", "64KiB"));
        assertEquals(64 << 10, Units.size("x", "64k"));
        assertEquals(64_000, Units.size("x", "64KB"));
        assertEquals(1L << 30, Units.size("x", "1GiB"));
        assertEquals(1L << 30, Units.size("x", "1 gib"));
        assertEquals(2_000_000_000L, Units.size("x", "2GB"));
        assertEquals(3L << 19, Units.size("x", "1.5MiB"));
        assertEquals(1L << 40, Units.size("x", "1TiB"));
        assertEquals(1_000_000, Units.size("x", "1_000_000"));
        assertEquals(0, Units.size("x", "0"));
    }

    @Test
    void badSizes() {
        assertEquals("--limit -5 is negative: a size is 0 bytes or more",
                assertThrows(UsageException.class, () -> Units.size("limit", "-5")).getMessage());
        assertEquals("--limit 'lots' is not a size (for example 100, 64KiB, 1.5GiB, 10MB)",
                assertThrows(UsageException.class, () -> Units.size("limit", "lots")).getMessage());
        assertEquals("--limit '12parsecs' is not a size (for example 100, 64KiB, 1.5GiB, 10MB)",
                assertThrows(UsageException.class, () -> Units.size("limit", "12parsecs")).getMessage());
        assertEquals("--limit '' is not a size (for example 100, 64KiB, 1.5GiB, 10MB)",
                assertThrows(UsageException.class, () -> Units.size("limit", "")).getMessage());
        assertEquals("--limit '1.2.3' is not a size (for example 100, 64KiB, 1.5GiB, 10MB)",
                assertThrows(UsageException.class, () -> Units.size("limit", "1.2.3")).getMessage());
        assertEquals("--limit 1.5 is not a whole number of bytes",
                assertThrows(UsageException.class, () -> Units.size("limit", "1.5")).getMessage());
        assertEquals("--limit 9999999TiB is too large",
                assertThrows(UsageException.class, () -> Units.size("limit", "9999999TiB")).getMessage());
    }

    @Test
    void counts() throws UsageException {
        assertEquals(1_000_000, Units.count("keys", "1000000"));
        assertEquals(1_000_000, Units.count("keys", "1_000_000"));
        assertEquals(1_000_000, Units.count("keys", "1,000,000"));
        assertEquals(1_000_000, Units.count("keys", "1m"));
        assertEquals(10_000, Units.count("keys", "10k"));
        assertEquals(2_500_000, Units.count("keys", "2.5M"));
        assertEquals("--keys -1 is negative",
                assertThrows(UsageException.class, () -> Units.count("keys", "-1")).getMessage());
        assertEquals("--keys 'ten' is not a number (for example 10000, 1_000_000, 1m)",
                assertThrows(UsageException.class, () -> Units.count("keys", "ten")).getMessage());
        assertEquals("--keys 1.5 is not a whole number",
                assertThrows(UsageException.class, () -> Units.count("keys", "1.5")).getMessage());
    }

    @Test
    void durations() throws UsageException {
        assertEquals(20_000_000_000L, Units.durationNanos("d", "20s"));
        assertEquals(20_000_000_000L, Units.durationNanos("d", "20"));
        assertEquals(500_000_000L, Units.durationNanos("d", "500ms"));
        assertEquals(1_500_000_000L, Units.durationNanos("d", "1.5s"));
        assertEquals(120_000_000_000L, Units.durationNanos("d", "2m"));
        assertEquals(3_600_000_000_000L, Units.durationNanos("d", "1h"));
        assertEquals(250_000, Units.durationNanos("d", "250us"));
        assertEquals(7, Units.durationNanos("d", "7ns"));
        assertEquals("--duration 'soon' is not a duration (for example 20s, 500ms, 2m)",
                assertThrows(UsageException.class, () -> Units.durationNanos("duration", "soon")).getMessage());
        assertEquals("--duration '5 fortnights' is not a duration (for example 20s, 500ms, 2m)",
                assertThrows(UsageException.class, () -> Units.durationNanos("duration", "5 fortnights")).getMessage());
        assertEquals("--duration -1s is negative",
                assertThrows(UsageException.class, () -> Units.durationNanos("duration", "-1s")).getMessage());
    }

    @Test
    void ratios() throws UsageException {
        assertEquals(0.9, Units.ratio("r", "0.9"));
        assertEquals(0.9, Units.ratio("r", "90%"));
        assertEquals(0, Units.ratio("r", "0"));
        assertEquals(1, Units.ratio("r", "100%"));
        assertEquals("--read-ratio 1.5 is outside 0..1 (0% to 100%)",
                assertThrows(UsageException.class, () -> Units.ratio("read-ratio", "1.5")).getMessage());
        assertEquals("--read-ratio -0.1 is outside 0..1 (0% to 100%)",
                assertThrows(UsageException.class, () -> Units.ratio("read-ratio", "-0.1")).getMessage());
        assertEquals("--read-ratio 'most' is not a ratio (for example 0.9 or 90%)",
                assertThrows(UsageException.class, () -> Units.ratio("read-ratio", "most")).getMessage());
    }

    @Test
    void integersAndReals() throws UsageException {
        assertEquals(-7, Units.integer("seed", "-7"));
        assertEquals(255, Units.integer("seed", "0xff"));
        assertEquals("--seed 'abc' is not a 64-bit integer",
                assertThrows(UsageException.class, () -> Units.integer("seed", "abc")).getMessage());
        assertEquals(0.99, Units.real("t", "0.99"));
        assertEquals(-0.5, Units.real("t", "-0.5"));
        assertEquals("--t 'x' is not a number", assertThrows(UsageException.class, () -> Units.real("t", "x")).getMessage());
    }

    @Test
    void printing() {
        assertEquals("1,234,567", Units.count(1_234_567));
        assertEquals("512 B", Units.bytes(512));
        assertEquals("1.00 KiB", Units.bytes(1024));
        assertEquals("10.7 MiB", Units.bytes(11_219_763));
        assertEquals("1.00 GiB", Units.bytes(1L << 30));
        assertEquals("126 MiB", Units.bytes(126L << 20));
        assertEquals("850 ns", Units.latency(850));
        assertEquals("1.23 us", Units.latency(1_230));
        assertEquals("45.6 ms", Units.latency(45_600_000));
        assertEquals("2.00 s", Units.latency(2_000_000_000));
        assertEquals("20 s", Units.duration(20_000_000_000L));
        assertEquals("500 ms", Units.duration(500_000_000));
        assertEquals("1.5 s", Units.duration(1_500_000_000));
        assertEquals("0.9000", Units.ratio(0.9));
        assertEquals("-", Units.ratio(Double.NaN));
    }
}
