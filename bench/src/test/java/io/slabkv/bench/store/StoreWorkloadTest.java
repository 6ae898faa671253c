package io.slabkv.bench.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabkv.bench.cli.KeyScrambler;
import io.slabkv.bench.cli.Zipf;
import org.junit.jupiter.api.Test;

class StoreWorkloadTest {

    @Test
    void valuesHaveTheAskedSizeAndDependOnTheKey() {
        for (int size : new int[] {16, 100, 1000, 13}) {
            byte[] v = Workload.valueOf(7, size);
            assertEquals(size, v.length);
            assertArrayEquals(v, Workload.valueOf(7, size));
            assertNotEquals(java.util.Arrays.toString(v), java.util.Arrays.toString(Workload.valueOf(8, size)));
        }
        assertArrayEquals(Workload.valueOf(5, Workload.VALUE_SIZE), Workload.valueOf(5));
    }

    /** Every point of the suite loads and checks on the on-heap map and on slabkv, at each value size. */
    @Test
    void preloadAndCheckPassesAtEveryValueSize() {
        for (int size : new int[] {16, 100, 1000}) {
            for (KvStore store : new KvStore[] {new ConcurrentHashMapStore(2_000, size), new SlabKVStore(2_000, size)}) {
                try (store) {
                    Workload.preloadAndCheck(store, store.client(), 2_000, size);
                    assertEquals(2_000, store.size());
                }
            }
        }
    }

    @Test
    void zipfNumbersArePresentKeysSkewedTheSameWayForEveryThread() {
        int entries = 10_000;
        Zipf zipf = new Zipf(entries, StoreBenchmark.ZIPF_THETA);
        KeyScrambler scrambler = new KeyScrambler(entries, StoreBenchmark.ZIPF_SCRAMBLE_SEED);
        int[] t0 = StoreBenchmark.zipfNumbers(zipf, scrambler, 0);
        int[] t1 = StoreBenchmark.zipfNumbers(zipf, scrambler, 1);
        assertEquals(StoreBenchmark.ZIPF_DRAWS, t0.length);
        int[] c0 = new int[entries];
        int[] c1 = new int[entries];
        for (int i = 0; i < t0.length; i++) {
            assertTrue(t0[i] >= 0 && t0[i] < entries && t1[i] >= 0 && t1[i] < entries);
            c0[t0[i]]++;
            c1[t1[i]]++;
        }
        int hot = (int) scrambler.apply(0);
        double zeta = 0;
        for (int i = 1; i <= entries; i++) {
            zeta += Math.pow(i, -StoreBenchmark.ZIPF_THETA);
        }
        double p0 = 1 / zeta; // about 0.1 for 10,000 keys
        assertEquals(p0, c0[hot] / (double) t0.length, 0.01, "rank 0 is key number " + hot + " in thread 0");
        assertEquals(p0, c1[hot] / (double) t1.length, 0.01, "and in thread 1");
        assertNotEquals(0, hot, "the hottest key is not the first one loaded");
        assertTrue(!java.util.Arrays.equals(t0, t1), "threads draw different sequences");
    }
}
