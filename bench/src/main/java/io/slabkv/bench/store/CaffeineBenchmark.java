package io.slabkv.bench.store;

import org.openjdk.jmh.annotations.Fork;

/**
 * The peer workload of {@link StoreBenchmark} on Caffeine ({@link CaffeineStore}). The heap may grow
 * to 14 GB: 10,000,000 entries of 1000 bytes hold about 11.4 GB of it (the suite's largest point),
 * and puts need room for their garbage. It starts at 2 GB, as for the other stores.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx14g"})
public class CaffeineBenchmark extends StoreBenchmark {

    @Override
    protected KvStore open(int entries, int valueSize) {
        return new CaffeineStore(entries, valueSize);
    }

    /**
     * Heap: the value array, a boxed Long, Caffeine's node and the map node under it, the table and the
     * frequency sketch (sized for the maximum, twice the entries): 227 B/entry measured at 1,000,000 x
     * 100 B (bench/results/memory.csv), 120 of them the array.
     */
    @Override
    protected Footprint footprint(int valueSize) {
        return new Footprint((16 + valueSize + 7) / 8 * 8 + 120, 0);
    }
}
