package io.slabkv.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RunOptionsTest {

    private static RunOptions parse(String... args) throws UsageException {
        return RunOptions.parse(Args.parse(args, RunOptions.VALUED, RunOptions.FLAGS));
    }

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void defaults() throws UsageException {
        RunOptions o = parse();
        assertEquals(RunOptions.DEFAULTS, o);
        assertEquals(1_000_000, o.keys());
        assertEquals(100, o.minValue());
        assertEquals(100, o.maxValue());
        assertEquals(0.9, o.readRatio());
        assertEquals(2, o.threads());
        assertEquals(20_000_000_000L, o.durationNanos());
        assertEquals(1L << 30, o.limit());
        assertEquals(0, o.ttlNanos());
        assertEquals(RunOptions.Distribution.ZIPF, o.distribution());
        assertEquals(0.99, o.zipfTheta());
        assertFalse(o.confined());
        assertEquals("arena", o.pageSource());
        assertEquals(42, o.seed());
    }

    @Test
    void everyOption() throws UsageException {
        RunOptions o = parse("--keys", "10k", "--value-size=16..1000", "--read-ratio", "50%", "--threads", "3",
                "--duration", "500ms", "--limit", "64MiB", "--ttl", "2s", "--distribution", "uniform",
                "--zipf-theta", "0.5", "--page-source", "mmap", "--seed", "7");
        assertEquals(10_000, o.keys());
        assertEquals(16, o.minValue());
        assertEquals(1000, o.maxValue());
        assertEquals(0.5, o.readRatio());
        assertEquals(3, o.threads());
        assertEquals(500_000_000, o.durationNanos());
        assertEquals(64L << 20, o.limit());
        assertEquals(2_000_000_000L, o.ttlNanos());
        assertEquals(RunOptions.Distribution.UNIFORM, o.distribution());
        assertEquals(0.5, o.zipfTheta());
        assertEquals("mmap", o.pageSource());
        assertEquals(7, o.seed());
        assertEquals(0, parse("--ttl", "off").ttlNanos());
    }

    @Test
    void confinedMeansOneThread() throws UsageException {
        RunOptions o = parse("--confined");
        assertTrue(o.confined());
        assertEquals(1, o.threads());
        assertEquals(1, parse("--confined", "--threads", "1").threads());
        assertEquals("--confined runs on one thread: --threads 2 is not allowed with it",
                error("--confined", "--threads", "2"));
    }

    @Test
    void valueSizes() throws UsageException {
        assertEquals(0, parse("--value-size", "0").maxValue());
        assertEquals(1024, parse("--value-size", "1KiB").maxValue());
        assertEquals(4_194_288, parse("--value-size", "4194288").maxValue());
        assertEquals(4_194_280, parse("--value-size", "4194280", "--ttl", "1s").maxValue());
        assertEquals("--value-size 4194289 is too large: a value must fit the largest entry (4.00 MiB, a run of pages"
                + " as long as one region) with its 8-byte key and 8-byte header, so at most 4,194,288 bytes",
                error("--value-size", "4194289"));
        assertEquals("--value-size 4194288 is too large: a value must fit the largest entry (4.00 MiB, a run of pages"
                + " as long as one region) with its 8-byte key and 16-byte header, so at most 4,194,280 bytes",
                error("--value-size", "4194288", "--ttl", "1m"));
        assertEquals("--value-size 100..10 is an empty range: 100 > 10", error("--value-size", "100..10"));
        assertEquals("--value-size -5 is negative: a size is 0 bytes or more", error("--value-size", "-5"));
        assertEquals("--value-size 'big' is not a size (for example 100, 64KiB, 1.5GiB, 10MB)",
                error("--value-size", "big"));
    }

    @Test
    void theLimitNeedsOnePageOfTheStoresDefaultForIt() throws UsageException {
        // The store the command builds sets no page size, so its page is SlabKV.Builder.defaultPageSize
        // of the limit: 64 KiB for a limit of 512 KiB, which was refused as smaller than a 1 MiB page.
        assertEquals(512L << 10, parse("--limit", "512KiB", "--keys", "1000").limit());
        assertEquals(64L << 10, parse("--limit", "64KiB").limit());
        assertEquals("--limit 65535 is smaller than one page (64.0 KiB): the store needs at least a page beside"
                + " its index", error("--limit", "65535"));
    }

    @Test
    void errorMessages() {
        assertEquals("unknown option '--frobnicate'", error("--frobnicate"));
        assertEquals("unexpected argument 'extra'", error("extra"));
        assertEquals("option --keys needs a value", error("--keys"));
        assertEquals("--keys 0 must be between 1 and 1,099,511,627,776", error("--keys", "0"));
        assertEquals("--keys -3 is negative", error("--keys", "-3"));
        assertEquals("--keys 'many' is not a number (for example 10000, 1_000_000, 1m)", error("--keys", "many"));
        assertEquals("--limit 32KiB is smaller than one page (64.0 KiB): the store needs at least a page beside"
                + " its index", error("--limit", "32KiB"));
        assertEquals("--limit -1GiB is negative: a size is 0 bytes or more", error("--limit", "-1GiB"));
        assertEquals("--threads 0 must be between 1 and 1024", error("--threads", "0"));
        assertEquals("--threads 'two' is not a number (for example 10000, 1_000_000, 1m)", error("--threads", "two"));
        assertEquals("--duration 0s must be positive", error("--duration", "0s"));
        assertEquals("--duration 'forever' is not a duration (for example 20s, 500ms, 2m)",
                error("--duration", "forever"));
        assertEquals("--ttl 0 must be positive (or 'off')", error("--ttl", "0"));
        assertEquals("--read-ratio 2 is outside 0..1 (0% to 100%)", error("--read-ratio", "2"));
        assertEquals("--distribution 'normal' must be zipf or uniform", error("--distribution", "normal"));
        assertEquals("--zipf-theta 1.2 must be between 0 and 1, exclusive (0.99 is the usual skew)",
                error("--zipf-theta", "1.2"));
        assertEquals("--zipf-theta 0 must be between 0 and 1, exclusive (0.99 is the usual skew)",
                error("--zipf-theta", "0"));
        assertEquals("--page-source 'heap' must be arena or mmap", error("--page-source", "heap"));
        assertEquals("--seed 'x' is not a 64-bit integer", error("--seed", "x"));
    }
}
