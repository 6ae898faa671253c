package io.slabkv.bench.evict;

import org.openjdk.jmh.annotations.Fork;

/** The eviction workload of {@link EvictBenchmark} on OHC (OhcEvictingStore), bounded by capacity. */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class OhcEvictBenchmark extends EvictBenchmark {

    @Override
    protected EvictingStore open(long held) {
        return new OhcEvictingStore(held);
    }
}
