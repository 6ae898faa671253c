package io.slabkv.bench.evict;

import org.openjdk.jmh.annotations.Fork;

/** The eviction workload of {@link EvictBenchmark} on slabkv (SlabKVEvictingStore): a shared store, defaults. */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class SlabKVEvictBenchmark extends EvictBenchmark {

    @Override
    protected EvictingStore open(long held) {
        return new SlabKVEvictingStore(held);
    }
}
