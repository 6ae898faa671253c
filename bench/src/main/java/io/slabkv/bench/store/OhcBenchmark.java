package io.slabkv.bench.store;

import org.openjdk.jmh.annotations.Fork;

/**
 * The peer workload of {@link StoreBenchmark} on OHC ({@link OhcStore}). OHC 0.7.4 runs on JDK 25 with
 * no opens or exports: it reads {@code sun.misc.Unsafe} through reflection on {@code jdk.unsupported},
 * which is open. It allocates entries with its default allocator, JNA {@code malloc}/{@code free}
 * (JNA comes with Chronicle Map on this class path); {@code -Dorg.caffinitas.ohc.allocator=unsafe}
 * switches to {@code Unsafe.allocateMemory}.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class OhcBenchmark extends StoreBenchmark {

    @Override
    protected KvStore open(int entries, int valueSize) {
        return new OhcStore(entries, valueSize);
    }

    @Override
    protected Footprint footprint(int valueSize) {
        return Footprint.offHeapStore(valueSize);
    }
}
