package io.slabkv.bench.store;

import org.openjdk.jmh.annotations.Fork;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The five stores of the peer benchmarks by short name, for the tools outside JMH (the latency
 * harness, the memory report): how to open each, and how to start a fresh JVM for it with the flags
 * its JMH class forks with (read from that class's {@link Fork#jvmArgsAppend()}, so the flags live in
 * one place). One store per JVM: only one {@link KvStore} implementation is ever loaded, as in JMH.
 */
public final class Peers {

    /** Short names, in report order. */
    public static final List<String> NAMES = List.of("slabkv", "slabkv-thp", "chm", "caffeine", "chronicle", "ohc");

    private Peers() {
    }

    /** The JMH class of store {@code name}. */
    public static Class<? extends StoreBenchmark> benchmarkClass(String name) {
        return switch (name) {
            case "slabkv" -> SlabKVBenchmark.class;
            case "slabkv-thp" -> SlabKVHugePagesBenchmark.class;
            case "chm" -> ConcurrentHashMapBenchmark.class;
            case "caffeine" -> CaffeineBenchmark.class;
            case "chronicle" -> ChronicleMapBenchmark.class;
            case "ohc" -> OhcBenchmark.class;
            default -> throw new IllegalArgumentException("unknown store '" + name + "'; one of " + NAMES);
        };
    }

    /**
     * Store {@code name}, empty, sized for {@code entries} of {@value Workload#VALUE_SIZE} bytes, configured
     * as its JMH class configures it.
     */
    public static KvStore open(String name, int entries) {
        try {
            return benchmarkClass(name).getDeclaredConstructor().newInstance().open(entries, Workload.VALUE_SIZE);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The display name the JMH results use (the class name without "Benchmark"). */
    public static String displayName(String name) {
        return benchmarkClass(name).getSimpleName().replace("Benchmark", "");
    }

    /** The JVM flags store {@code name}'s JMH forks get. */
    public static List<String> jvmFlags(String name) {
        Fork fork = benchmarkClass(name).getAnnotation(Fork.class);
        return fork == null ? List.of() : List.of(fork.jvmArgsAppend());
    }

    /**
     * Runs {@code mainClass args} for store {@code name} in a fresh JVM (this JVM's java and class
     * path, the store's flags plus {@code extraFlags}); its stderr goes to ours, its stdout is echoed
     * and returned. Throws if it exits non-zero.
     */
    public static List<String> runInFreshJvm(String name, List<String> extraFlags, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.addAll(jvmFlags(name));
        cmd.addAll(extraFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println(line);
                out.add(line);
            }
        }
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException(mainClass + " for " + name + " exited with " + rc);
        }
        return out;
    }
}
