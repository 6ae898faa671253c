package io.slabkv.bench.store;

import io.slabkv.SlabKV;
import io.slabkv.nativemem.MmapPageSource;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Random gets on a large store, by page source: the default shared-arena source against
 * {@link MmapPageSource} with transparent huge pages. {@value #ENTRIES} entries of an 8-byte key
 * and a {@value Workload#VALUE_SIZE}-byte value (about 1.4 GB of chunks plus a 122 MB index), read
 * at keys drawn uniformly at random, so nearly every get misses the CPU caches and, with 4 KiB
 * pages, the TLB: its one to three thousand second-level entries reach 4-12 MiB of 4 KiB pages
 * but 2-6 GiB of 2 MiB pages, so with huge pages the page walk of a random get mostly disappears.
 *
 * <ul>
 *   <li>{@code arena}: the store's default, {@code SharedArenaPageSource} (malloc'd memory, 4 KiB
 *       pages: the kernel's THP mode here is {@code madvise} and nothing advises it);</li>
 *   <li>{@code mmap}: {@code new MmapPageSource()}, plain 4 KiB pages: separates the mmap source
 *       from the huge pages;</li>
 *   <li>{@code mmap-thp}: {@code MmapPageSource.builder().transparentHugePages(true)}, regions
 *       aligned to 2 MiB and advised {@code MADV_HUGEPAGE}, and the allocator's page size set to
 *       2 MiB (a freed page then gives back whole huge pages instead of splitting one; it changes
 *       nothing for gets).</li>
 * </ul>
 * The regions (the entries) and the index both come from the page source (the index did not before
 * d3b476a, and stayed on 4 KiB pages in every variant of the figures in bench/results/native-thp.md). Setup prints the process's
 * {@code AnonHugePages} (/proc/self/smaps_rollup) after the fill: the evidence of THP backing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class HugePageGetBenchmark {

    static final int ENTRIES = 10_000_000;

    @Param({"arena", "mmap", "mmap-thp"})
    public String source;

    private SlabKV store;
    private MmapPageSource mmap;
    private MemorySegment dst;
    private long rnd = 0x2545F4914F6CDD1DL;

    @Setup(Level.Trial)
    public void fill() {
        SlabKV.Builder b = SlabKV.builder().memoryLimit(5L << 29).expectedEntries(ENTRIES); // 2.5 GiB
        switch (source) {
            case "arena" -> { }
            case "mmap" -> b.pageSource(mmap = new MmapPageSource());
            case "mmap-thp" -> b.pageSource(mmap = MmapPageSource.builder().transparentHugePages(true).build())
                    .pageSize(2 << 20);
            default -> throw new IllegalArgumentException("source " + source);
        }
        store = b.build();
        MemorySegment value = Arena.ofAuto().allocate(Workload.VALUE_SIZE, 8);
        dst = Arena.ofAuto().allocate(Workload.VALUE_SIZE, 8);
        long start = System.nanoTime();
        for (long i = 0; i < ENTRIES; i++) {
            value.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, i);
            store.put(Workload.key(i), value);
        }
        long fillMillis = (System.nanoTime() - start) / 1_000_000;
        if (store.size() != ENTRIES || store.stats().evictions() != 0) {
            throw new IllegalStateException(source + ": " + store.stats());
        }
        for (long i = 0; i < ENTRIES; i += 9_973) {
            if (store.get(Workload.key(i), dst) != Workload.VALUE_SIZE
                    || dst.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) != i) {
                throw new IllegalStateException(source + ": key number " + i + " read back wrong");
            }
        }
        System.out.printf("%n[%s] filled %,d entries in %,d ms; bytes reserved %,d; %s%n[%s] THP mode %s;"
                        + " AnonHugePages %s%n", source, ENTRIES, fillMillis, store.stats().bytesReserved(),
                mmap == null ? "default arena source" : mmap + " fallbacks " + mmap.fallbacks(),
                source, firstLine("/sys/kernel/mm/transparent_hugepage/enabled"), anonHugePages());
    }

    @TearDown(Level.Trial)
    public void close() {
        System.out.printf("%n[%s] at teardown AnonHugePages %s%n", source, anonHugePages());
        store.close();
    }

    @Benchmark
    public int getRandom() {
        long x = rnd;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        rnd = x;
        return store.get(Workload.key(((x >>> 32) * ENTRIES) >>> 32), dst);
    }

    /** AnonHugePages of /proc/self/smaps_rollup (this process), with /proc/meminfo's for the machine. */
    static String anonHugePages() {
        return grep("/proc/self/smaps_rollup", "AnonHugePages:") + " (process), "
                + grep("/proc/meminfo", "AnonHugePages:") + " (machine)";
    }

    private static String grep(String file, String key) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(key))
                    .map(l -> l.substring(key.length()).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "unreadable (" + e + ")";
        }
    }

    private static String firstLine(String file) {
        try {
            return Files.readAllLines(Path.of(file)).get(0);
        } catch (IOException | IndexOutOfBoundsException e) {
            return "unknown";
        }
    }
}
