package io.slabkv.bench.store;

import org.openjdk.jmh.annotations.Fork;

/**
 * The peer workload of {@link StoreBenchmark} on ConcurrentHashMap ({@link ConcurrentHashMapStore}).
 * The heap may grow to 14 GB: 10,000,000 entries of 1000 bytes hold about 10.9 GB of it (the suite's
 * largest point), and puts need room for their garbage. It starts at 2 GB, as for the other stores.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx14g"})
public class ConcurrentHashMapBenchmark extends StoreBenchmark {

    @Override
    protected KvStore open(int entries, int valueSize) {
        return new ConcurrentHashMapStore(entries, valueSize);
    }

    /**
     * Heap: the value array (16-byte header, rounded up to 8), a boxed Long (16), a map node (32) and
     * the table's share (8 bytes a slot, 1.3 to 2.7 slots per entry): 186 B/entry measured at 1,000,000
     * x 100 B (bench/results/memory.csv), 120 of them the array.
     */
    @Override
    protected Footprint footprint(int valueSize) {
        return new Footprint((16 + valueSize + 7) / 8 * 8 + 72, 0);
    }
}
