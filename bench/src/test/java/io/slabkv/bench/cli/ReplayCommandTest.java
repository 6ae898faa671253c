package io.slabkv.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {

    @TempDir
    Path dir;

    record Replay(ReplayCommand.Result result, String out) {
    }

    static Replay replay(String... args) throws Exception {
        ReplayOptions o = ReplayOptions.parse(Args.parse(args, ReplayOptions.VALUED, ReplayOptions.FLAGS));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReplayCommand.Result r;
        try (PrintStream po = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            r = new ReplayCommand(o, po, pe, false).execute();
        }
        return new Replay(r, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void keysTraceHitsAndMisses() throws Exception {
        Path f = TraceFiles.gzipText(dir.resolve("t.gz"), "1\n2\n1\n3\n2\n1\n*\n");
        Replay p = replay(f.toString(), "--value-size", "50");
        ReplayCommand.Result r = p.result();
        assertEquals(6, r.requests());
        assertEquals(3, r.distinct());
        assertEquals(3, r.hits());
        assertEquals(3, r.misses());
        assertEquals(3, r.firstMisses());
        assertEquals(0.5, r.objectHitRatio());
        assertEquals(300, r.bytesRequested());
        assertEquals(150, r.bytesHit());
        assertEquals(0.5, r.byteHitRatio());
        assertEquals(3, r.stats().entries());
        assertTrue(r.defaultBudget());
        assertTrue(p.out().contains("  object hit ratio  0.5000"), p.out());
        assertTrue(p.out().contains("  byte hit ratio    0.5000"), p.out());
    }

    @Test
    void sizedTraceByteHitRatio() throws Exception {
        // id 1 (100 B) twice, id 2 (50 B), id 1 again at 200 B (a size change: a miss, stored anew), then hit.
        Path f = TraceFiles.xzText(dir.resolve("s.xz"), "1 1 100\n2 1 100\n3 2 50\n4 1 200\n5 1 200\n");
        ReplayCommand.Result r = replay(f.toString()).result();
        assertEquals(5, r.requests());
        assertEquals(2, r.hits());
        assertEquals(3, r.misses());
        assertEquals(2, r.firstMisses());
        assertEquals(1, r.sizeChangeMisses());
        assertEquals(650, r.bytesRequested());
        assertEquals(300, r.bytesHit());
        assertEquals(300.0 / 650, r.byteHitRatio(), 1e-12);
        assertEquals(0.4, r.objectHitRatio(), 1e-12);
    }

    @Test
    void objectsLargerThanAnEntryAreNotCached() throws Exception {
        // The largest entry is one region (4 MiB): a 5 MB object is never cached.
        Path f = TraceFiles.xzText(dir.resolve("big.xz"), "1 1 5000000\n2 1 5000000\n3 2 10\n4 2 10\n");
        ReplayCommand.Result r = replay(f.toString(), "--page-size", "4KiB").result();
        assertEquals(2, r.tooLargeMisses());
        assertEquals(1, r.hits());
        assertEquals(3, r.misses());
        assertEquals(10, r.bytesHit());
    }

    @Test
    void objectsLargerThanAPageAreCachedInRunsOfPages() throws Exception {
        Path f = TraceFiles.xzText(dir.resolve("run.xz"), "1 1 5000\n2 1 5000\n3 2 10\n4 2 10\n");
        ReplayCommand.Result r = replay(f.toString(), "--page-size", "4KiB").result();
        assertEquals(0, r.tooLargeMisses());
        assertEquals(2, r.hits());
        assertEquals(5010, r.bytesHit());
    }

    @Test
    void thePageIsTheStoresDefaultForTheBudgetUnlessGiven() throws Exception {
        Path f = TraceFiles.gzipText(dir.resolve("p.gz"), "1\n2\n1\n");
        // The store's default for a 32 MiB limit: a 256th of it, 128 KiB (SlabKV.Builder.defaultPageSize).
        Replay p = replay(f.toString(), "--budget", "32MiB");
        assertTrue(p.out().contains("; page " + Units.bytes(128 << 10)), p.out());
        p = replay(f.toString(), "--budget", "32MiB", "--page-size", "4KiB");
        assertTrue(p.out().contains("; page " + Units.bytes(4096)), p.out());
        assertEquals(2, p.result().misses());
    }

    @Test
    void int32TraceWithValueRangeAndRequestLimit() throws Exception {
        int[] keys = new int[2000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i % 100;
        }
        Path f = TraceFiles.xzInt32(dir.resolve("b.xz"), keys);
        ReplayCommand.Result r = replay(f.toString(), "--value-size", "10..1000", "--requests", "1000").result();
        assertEquals(1000, r.requests());
        assertEquals(100, r.distinct());
        assertEquals(900, r.hits());
        assertEquals(100, r.firstMisses());
        assertEquals(0.9, r.byteHitRatio(), 1e-12); // each object: requested 10 times, hit 9
        assertEquals(0.9, r.objectHitRatio(), 1e-12);
    }

    @Test
    void perKeyValueSizesAreSeededAndInRange() throws Exception {
        ReplayOptions o = ReplayOptions.parse(Args.parse(new String[] {TraceFiles.gzipText(dir.resolve("x.gz"), "1\n")
                .toString(), "--value-size", "16..32", "--seed", "3"}, ReplayOptions.VALUED, ReplayOptions.FLAGS));
        ReplayCommand c = new ReplayCommand(o, System.out, System.err, false);
        boolean[] seen = new boolean[33];
        for (long k = 0; k < 10_000; k++) {
            long s = c.valueSize(k);
            assertTrue(s >= 16 && s <= 32, "size " + s);
            seen[(int) s] = true;
            assertEquals(s, c.valueSize(k), "the same size for the same key");
        }
        for (int s = 16; s <= 32; s++) {
            assertTrue(seen[s], "size " + s + " drawn");
        }
    }

    /**
     * A budget below the trace's footprint: the store evicts, and the replay counts the misses of
     * evicted objects; should the store fail to make room, the replay stops with exit 2 and one line.
     */
    @Test
    void budgetBelowTheFootprint() throws Exception {
        StringBuilder trace = new StringBuilder();
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 20_000; k++) {
                trace.append(k).append('\n');
            }
        }
        Path f = TraceFiles.gzipText(dir.resolve("wide.gz"), trace.toString());
        MainTest.Outcome o = MainTest.main("replay", f.toString(), "--value-size", "1000", "--budget", "4MiB");
        if (o.code() == Main.EXIT_USAGE) {
            assertEquals(1, o.err().size(), () -> "one line: " + o.err());
            String line = o.err().getFirst();
            assertTrue(line.startsWith("slabkv replay: budget 4.00 MiB is below this trace's footprint, which needs"
                    + " eviction, and the store could not make room at request "), line);
        } else {
            assertEquals(0, o.code(), () -> "stderr: " + o.err());
            assertTrue(o.out().matches("(?s).*misses +[\\d,]+: 20,000 first requests of a key, 0 size changes,"
                    + " 0 too large to cache, [1-9][\\d,]* others \\(evicted or expired\\).*"), o.out());
            assertTrue(o.out().matches("(?s).*\\n  evictions   [1-9][\\d,]* \\(.*"), o.out());
        }
    }
}
