package io.slabkv.bench.store;

import org.openjdk.jmh.annotations.Fork;

/** The peer workload of {@link StoreBenchmark} on ConcurrentHashMap ({@link ConcurrentHashMapStore}). */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class ConcurrentHashMapBenchmark extends StoreBenchmark {

    @Override
    protected KvStore open(int entries) {
        return new ConcurrentHashMapStore(entries);
    }
}
