package io.slabkv.bench.store;

import org.openjdk.jmh.annotations.Fork;

/**
 * The peer workload of {@link StoreBenchmark} on slabkv with transparent huge pages: the shared store
 * of {@link SlabKVBenchmark}, its pages and index from an mmap source with THP and pre-faulting
 * ({@link SlabKVStore#SlabKVStore(int, int, boolean)}). Compare with {@link SlabKVBenchmark} for what
 * huge pages are worth on this machine; the kernel must allow THP for advised mappings
 * ({@code /sys/kernel/mm/transparent_hugepage/enabled} is {@code madvise} or {@code always}).
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class SlabKVHugePagesBenchmark extends StoreBenchmark {

    @Override
    protected KvStore open(int entries, int valueSize) {
        return new SlabKVStore(entries, valueSize, true);
    }

    @Override
    protected Footprint footprint(int valueSize) {
        return Footprint.offHeapStore(valueSize);
    }
}
