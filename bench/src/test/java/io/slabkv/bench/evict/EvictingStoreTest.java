package io.slabkv.bench.evict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One specification, run over every store of the eviction benchmarks, each built small: 100,000 keys
 * against a limit that holds 50,000 entries (slabkv with 256 KiB pages). What it guards against: a store whose limit does not
 * hold about the target (the three would not be comparable), a store that grows past its limit
 * instead of evicting, an adapter that hands back another key's value (a buffer shared between
 * clients, a stamp written to the wrong place), and a workload whose hit ratio would not show
 * eviction at work.
 */
class EvictingStoreTest {

    private static final int KEYS = 100_000;
    private static final long TARGET = KEYS / 2;
    /**
     * slabkv's pages for this size: 256 KiB, so the store has 23 of them (at 1 MiB it would have 6). With
     * 64 KiB pages and 20,000 entries it held 0.78 to 0.87 of the target after the load, below the
     * benchmark's bound; at 1,000,000 keys and 1 MiB pages it holds 0.90.
     */
    private static final int SMALL_PAGE = 256 << 10;

    private static EvictingStore open(String name) {
        LongFunction<EvictingStore> factory = switch (name) {
            case "slabkv" -> held -> new SlabKVEvictingStore(held, SMALL_PAGE);
            case "caffeine" -> CaffeineEvictingStore::new;
            case "ohc" -> OhcEvictingStore::new;
            default -> throw new IllegalArgumentException(name);
        };
        return EvictBenchmark.loadAndCheck(factory.apply(TARGET), KEYS, TARGET);
    }

    /** Runs getOrLoad over {@code draws}; every hit must produce exactly its key's value. Returns the hits. */
    private static long getOrLoadChecked(EvictingStore.Client c, long[] draws, int from, int count) {
        long hits = 0;
        for (int i = from; i < from + count; i++) {
            long key = draws[i];
            if (EvictBenchmark.getOrLoad(c, key)) {
                hits++;
                byte[] v = c.lastValue();
                if (!Payload.isValueOf(v, key)) {
                    throw new AssertionError("get of key " + key + " produced another value (stamp "
                            + (v == null ? "none" : Long.toHexString(Payload.stampOf(v))) + ")");
                }
            }
        }
        return hits;
    }

    private static void assertWithinLimit(EvictingStore store) {
        store.settle();
        assertTrue(store.charged() <= store.limit(), store + " charges " + store.charged() + " of " + store.limit());
        if (store instanceof SlabKVEvictingStore slab) {
            assertTrue(slab.peakCharged() <= store.limit(),
                    "slabkv reserved " + slab.peakCharged() + " bytes at its peak, over its limit " + store.limit());
        }
        // Evicting down to nothing would also stay under the limit: the store must still hold most of
        // the target. (slabkv at rest sits below its low watermark, sometimes well below 0.85 of the
        // target after the churn with small pages; the benchmark's check after the load is the tight one.)
        long held = store.entries();
        assertTrue(held >= 0.5 * TARGET && held <= EvictBenchmark.HIGH * TARGET,
                store + " holds " + held + " entries, target " + TARGET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"slabkv", "caffeine", "ohc"})
    void uniformKeysEvictAndGetOrLoadReturnsEachKeysValue(String name) {
        try (EvictingStore store = open(name)) {
            EvictingStore.Client c = store.client();
            int ops = 200_000;
            long[] draws = KeyDraws.draw("uniform", KEYS, 1 << 18, 7);
            double hitRatio = getOrLoadChecked(c, draws, 0, ops) / (double) ops;
            // Half the keys fit: with uniform keys no policy does much better or worse than 0.5.
            assertEquals(0.5, hitRatio, 0.1, store + " hit ratio");
            assertWithinLimit(store);

            // A key just loaded reads back at once (nothing but a race with eviction can take it away).
            long fresh = 0;
            for (int i = 0; i < 1000; i++) {
                long key = draws[ops + i];
                c.put(key);
                if (c.get(key) == Payload.VALUE_SIZE && Payload.isValueOf(c.lastValue(), key)) {
                    fresh++;
                }
            }
            assertTrue(fresh >= 990, store + ": only " + fresh + " of 1000 keys read back right after their put");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"slabkv", "caffeine", "ohc"})
    void zipfKeysHitMoreThanUniformOnesAtTheSameLimit(String name) {
        try (EvictingStore store = open(name)) {
            EvictingStore.Client c = store.client();
            long[] draws = KeyDraws.draw("zipf", KEYS, 1 << 18, 7);
            getOrLoadChecked(c, draws, 0, 100_000); // warm: the hot keys move in
            double hitRatio = getOrLoadChecked(c, draws, 100_000, 100_000) / 100_000.0;
            // Zipf(0.99) over 100,000 keys: the hottest half draws about 94 % of requests; every policy
            // here keeps well above the 0.5 of uniform keys.
            assertTrue(hitRatio > 0.75, store + " Zipf hit ratio " + hitRatio);
            assertWithinLimit(store);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"slabkv", "caffeine", "ohc"})
    void twoThreadsEachGetTheRightValues(String name) throws InterruptedException {
        try (EvictingStore store = open(name)) {
            long[] draws = KeyDraws.draw("uniform", KEYS, 1 << 18, 11);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int from = t * (1 << 17);
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        getOrLoadChecked(store.client(), draws, from, 1 << 17);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(store + ": a thread failed", failure.get());
            }
            assertWithinLimit(store);
        }
    }
}
