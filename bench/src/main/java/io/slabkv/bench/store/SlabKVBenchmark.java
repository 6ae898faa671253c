package io.slabkv.bench.store;

import org.openjdk.jmh.annotations.Fork;

/** The peer workload of {@link StoreBenchmark} on slabkv, shared store, defaults ({@link SlabKVStore}). */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class SlabKVBenchmark extends StoreBenchmark {

    @Override
    protected KvStore open(int entries, int valueSize) {
        return new SlabKVStore(entries, valueSize);
    }

    @Override
    protected Footprint footprint(int valueSize) {
        return Footprint.offHeapStore(valueSize);
    }
}
