package io.slabkv.bench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyReplayTest {

    @TempDir
    Path dir;

    /** A hot set of 40 keys read over and over, mixed with a scan over 1,000 cold keys: 3,000 requests. */
    private Path syntheticTrace() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder text = new StringBuilder("# synthetic\n");
        int cold = 0;
        for (int i = 0; i < 3000; i++) {
            long key = random.nextInt(3) == 0 ? 100_000 + (cold++ % 1000) : random.nextInt(40);
            text.append(key).append('\n');
        }
        Path file = dir.resolve("synthetic.trace.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    @Test
    void replaysASyntheticTraceThroughEveryPolicy() throws IOException {
        Path file = syntheticTrace();
        PolicyReplay.Config defaults = PolicyReplay.Config.defaults(List.of(file));
        PolicyReplay.Config config = new PolicyReplay.Config(List.of(file), new double[] {0.1, 0.5}, 0, 100, 100,
                new SizeModel(100, 1000, 42), 0, PolicyReplay.Match.PEAK, EnumSet.allOf(Policy.class));
        assertEquals(defaults.sizes(), config.sizes());
        Trace trace = Trace.load(file, 0, config.sizes());
        assertEquals("synthetic", trace.name());
        assertEquals(3000, trace.requests());
        assertEquals(1040, trace.distinct());
        assertTrue(trace.description().contains("gzip, text keys, sizes uniform 100..1000 B per key, seed 42"),
                trace.description());

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PolicyReplay replay = new PolicyReplay(config, new PrintStream(log, true, StandardCharsets.UTF_8));
        List<PolicyReplay.Row> rows = replay.run(trace);
        assertEquals(2 * Policy.values().length, rows.size());
        for (PolicyReplay.Row r : rows) {
            assertEquals(3000, r.counts().requests());
            assertTrue(r.objectHitRatio() > 0 && r.objectHitRatio() < 1, r.toString());
            assertTrue(r.byteHitRatio() > 0 && r.byteHitRatio() < 1, r.toString());
            // No cache holds more object bytes than the budget at any sample: slabkv's limit was
            // matched to that; LRU and Caffeine are bounded by it.
            assertTrue(r.counts().peakPayload() <= r.budget(), r.toString());
            assertTrue(r.counts().peakPayload() > r.budget() / 2, r.toString());
            if (r.policy().slabkv()) {
                assertTrue(r.slab().memoryLimit() > r.budget(), r.toString());
                assertEquals(0, r.slab().failedPuts());
            } else {
                assertNull(r.slab());
            }
        }
        // The hot set (40 keys, about 22 KB) fits half the footprint: every policy keeps most of it.
        for (PolicyReplay.Row r : rows) {
            if (r.fraction() == 0.5) {
                assertTrue(r.objectHitRatio() > 0.5, r.toString());
            }
        }
        String md = replay.markdown(List.of(trace), rows, "test");
        assertTrue(md.contains("| synthetic | 50% ("), md);
        assertTrue(md.contains("| slabkv size-aware (default) |"), md);
        assertTrue(md.contains("## Targets"), md);
        assertFalse(log.toString(StandardCharsets.UTF_8).isEmpty());
    }

    @Test
    void exactLruCountsBytesAndEvictsTheLeastRecentlyUsed() {
        // Budget 300 B: keys 1, 2, 3 of 100 B fit; reading 1 then adding 4 evicts 2.
        long[] keys = {1, 2, 3, 1, 4, 2, 1, 3};
        int[] sizes = {100, 100, 100, 100, 100, 100, 100, 100};
        Trace t = Trace.of("t", "test", keys, sizes);
        assertEquals(4, t.distinct());
        assertEquals(400, t.footprint());
        try (ExactLru lru = new ExactLru(300)) {
            Replayer.Counts c = Replayer.run(t, lru, 300, 1);
            // 1 2 3 miss; 1 hit; 4 miss (evicts 2); 2 miss (evicts 3); 1 hit; 3 miss.
            assertEquals(2, c.hits());
            assertEquals(200, c.bytesHit());
            assertEquals(800, c.bytesRequested());
            assertEquals(300, c.peakPayload());
            assertEquals(300, lru.payload());
        }
    }

    @Test
    void sizeChangesAndObjectsTooLargeAreMissesForEveryPolicy() {
        // Key 1 at 100 B, then at 200 B (a size change: a miss that replaces it), then hit at 200 B;
        // key 9 at 5,000 B is over maxCacheable and never offered to the cache.
        long[] keys = {1, 1, 1, 1, 9, 9};
        int[] sizes = {100, 100, 200, 200, 5000, 5000};
        Trace t = Trace.of("t", "test", keys, sizes);
        List<SimCache> caches = new ArrayList<>();
        caches.add(new ExactLru(4000));
        caches.add(new CaffeineSim(4000));
        caches.add(new SlabKvSim(io.slabkv.Eviction.SIZE_AWARE, 1 << 16, 64, 4096, 4080, 10));
        for (SimCache c : caches) {
            try (c) {
                Replayer.Counts n = Replayer.run(t, c, 4080, 1);
                assertEquals(2, n.hits(), c.getClass().getSimpleName());
                assertEquals(300, n.bytesHit(), c.getClass().getSimpleName());
                assertEquals(2, n.uncacheable(), c.getClass().getSimpleName());
                assertEquals(200, c.payload(), c.getClass().getSimpleName());
            }
        }
    }

    @Test
    void sizeModelIsSeededAndInRange() {
        SizeModel m = new SizeModel(100, 1000, 42);
        for (long k = 0; k < 10_000; k++) {
            long s = m.size(k);
            assertTrue(s >= 100 && s <= 1000);
            assertEquals(s, new SizeModel(100, 1000, 42).size(k));
        }
        assertEquals(64, new SizeModel(64, 64, 1).size(5));
    }
}
