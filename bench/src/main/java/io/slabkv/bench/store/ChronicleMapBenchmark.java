package io.slabkv.bench.store;

import org.openjdk.jmh.annotations.Fork;

/**
 * The peer workload of {@link StoreBenchmark} on Chronicle Map ({@link ChronicleMapStore}).
 * <p>
 * Chronicle reaches into JDK internals, so on JDK 17+ its forks need opens and exports. The list
 * below is Chronicle's own for Java 17+. On JDK 25 with Chronicle Map 2026.1 this workload fails
 * without three of them (each dropped in turn, the rest kept):
 * {@code --add-opens=java.base/java.lang} (ExceptionInInitializerError in {@code Jvm}),
 * {@code --add-opens=java.base/java.lang.reflect} (IllegalAccessException reading a private builder
 * field) and {@code --add-exports=jdk.compiler/com.sun.tools.javac.file} (its runtime code generation);
 * the others are kept for code paths this workload does not reach (persisted maps, cleaners).
 * {@code chronicle.analytics.disable} stops it from trying to send usage analytics.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g",
        "-Dchronicle.analytics.disable=true",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED"})
public class ChronicleMapBenchmark extends StoreBenchmark {

    @Override
    protected KvStore open(int entries, int valueSize) {
        return new ChronicleMapStore(entries, valueSize);
    }

    @Override
    protected Footprint footprint(int valueSize) {
        return Footprint.offHeapStore(valueSize);
    }
}
