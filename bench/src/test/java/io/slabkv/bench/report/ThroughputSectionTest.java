package io.slabkv.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThroughputSectionTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** One JMH result object; {@code params} is the JSON of the params map, or null for none. */
    private static String run(String store, String op, String mode, String params, double score, double error, double alloc) {
        return String.format(Locale.ROOT, """
                {"jmhVersion":"1.37","benchmark":"io.slabkv.bench.store.%sBenchmark.%s","mode":"%s","threads":1,"forks":1,
                 %s"primaryMetric":{"score":%s,"scoreError":%s,"scoreUnit":"ops/us",
                   "scorePercentiles":{"50.0":500.0,"90.0":900.0,"99.0":990.0,"99.9":999.0,"99.99":1000.0,"100.0":2000.0}},
                 "secondaryMetrics":{"gc.alloc.rate.norm":{"score":%s,"scoreUnit":"B/op"}}}""",
                store, op, mode, params == null ? "" : "\"params\":" + params + ",", score, error, alloc);
    }

    private String report(String... runs) throws IOException {
        Path file = dir.resolve("jmh-test.json");
        Files.writeString(file, "[" + String.join(",", runs) + "]");
        List<?> raw = JmhResult.parse(file);
        StringBuilder md = new StringBuilder();
        ThroughputSection.write(md, dir, file, raw, JmhResult.read(raw));
        return md.toString();
    }

    private static final String HEADLINE = "{\"entries\":\"1000000\",\"valueSize\":\"100\",\"keys\":\"uniform\"}";
    private static final String SMALL_ZIPF = "{\"entries\":\"10000\",\"valueSize\":\"16\",\"keys\":\"zipf\"}";

    @Test
    void headlineFirstThenEveryOtherPointWithItsOwnRatios() throws IOException {
        String md = report(
                run("SlabKV", "getHit", "thrpt", SMALL_ZIPF, 30, 1, 0),
                run("Ohc", "getHit", "thrpt", SMALL_ZIPF, 10, 1, 56),
                run("SlabKV", "getHit", "thrpt", HEADLINE, 8, 0.5, 0),
                run("Ohc", "getHit", "thrpt", HEADLINE, 4, 0.5, 56),
                run("SlabKV", "mixed902T", "thrpt", HEADLINE, 6, 0.5, 0),
                run("SlabKV", "getHitSample", "sample", HEADLINE, 500, 10, 0));
        int headline = md.indexOf("### Headline: 1,000,000 entries, 100-byte values, uniform keys");
        int other = md.indexOf("#### 10,000 entries, 16-byte values, Zipf (0.99) keys");
        assertTrue(headline >= 0 && other > headline, md);
        // Ratios come from the same point: 8 / 4 in the headline, 30 / 10 at the other point.
        assertTrue(md.substring(headline, other).contains("| getHit | 2.00x |"), md);
        assertTrue(md.substring(other).contains("| getHit | 3.00x |"), md);
        assertTrue(md.contains("| mixed902T | 6.00 ± 0.50 | - |"), md);
        assertFalse(md.contains("getHitSample"), "a SampleTime result is not a throughput: " + md);
        assertTrue(Files.size(dir.resolve("throughput.png")) > 0);
        assertFalse(Files.exists(dir.resolve("throughput-zipf.png")), "no headline point with Zipf keys in this file");
    }

    @Test
    void overlappingIntervalsAreMarked() throws IOException {
        String md = report(
                run("SlabKV", "getHit", "thrpt", HEADLINE, 8, 3, 0),
                run("ConcurrentHashMap", "getHit", "thrpt", HEADLINE, 6, 3, 24));
        assertTrue(md.contains("| getHit | ~1.33x |"), md);
    }

    @Test
    void filesWithoutValueSizeAndKeysReadAsTheHeadlineDefaults() throws IOException {
        String md = report(
                run("SlabKV", "getHit", "thrpt", "{\"entries\":\"1000000\"}", 8, 0.5, 0),
                run("ChronicleMap", "getHit", "thrpt", "{\"entries\":\"1000000\"}", 2, 0.5, 24));
        assertTrue(md.contains("### Headline: 1,000,000 entries, 100-byte values, uniform keys\n\n####"), md);
        assertFalse(md.contains("Every other parameter point"), md);
        assertTrue(md.contains("| getHit | 4.00x |"), md);
    }

    @Test
    void garbageCollectionsAreTabledPerStoreAndEachSlabkvVariantGetsItsRatios() throws IOException {
        String chm = run("ConcurrentHashMap", "getHit", "thrpt", HEADLINE, 4, 0.5, 24).replace(
                "\"secondaryMetrics\":{", "\"secondaryMetrics\":{\"gc.count\":{\"score\":3.0,\"scoreUnit\":\"counts\"},"
                        + "\"gc.time\":{\"score\":41.0,\"scoreUnit\":\"ms\"},");
        String md = report(
                run("SlabKV", "getHit", "thrpt", HEADLINE, 8, 0.5, 0),
                run("SlabKVHugePages", "getHit", "thrpt", HEADLINE, 12, 0.5, 0),
                chm);
        assertTrue(md.contains("| getHit | 0 (0) | 0 (0) | 3 (41) |"), md);
        assertTrue(md.contains("slabkv relative to each peer"), md);
        assertTrue(md.contains("SlabKVHugePages relative to each peer"), md);
        assertTrue(md.contains("| getHit | 2.00x |") && md.contains("| getHit | 3.00x |"), md);
    }

    @Test
    void pointsSortByEntriesThenValueSizeThenUniformFirst() {
        List<JmhResult.Point> points = new java.util.ArrayList<>(List.of(
                new JmhResult.Point(10_000, 1000, "zipf"), new JmhResult.Point(10_000, 16, "zipf"),
                new JmhResult.Point(10_000, 16, "uniform"), new JmhResult.Point(10, 100, "zipf")));
        points.sort(null);
        assertEquals(List.of(new JmhResult.Point(10, 100, "zipf"), new JmhResult.Point(10_000, 16, "uniform"),
                new JmhResult.Point(10_000, 16, "zipf"), new JmhResult.Point(10_000, 1000, "zipf")), points);
    }
}
