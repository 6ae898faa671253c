package io.slabkv.bench.evict;

import org.openjdk.jmh.annotations.Fork;

/** The eviction workload of {@link EvictBenchmark} on Caffeine (CaffeineEvictingStore), bounded by weight, default executor. */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class CaffeineEvictBenchmark extends EvictBenchmark {

    @Override
    protected EvictingStore open(long held) {
        return new CaffeineEvictingStore(held);
    }
}
