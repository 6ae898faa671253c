package io.slabkv.bench.arena;

import io.slabkv.arena.ChunkHandle;
import io.slabkv.arena.ConfinedSlabAllocator;
import io.slabkv.arena.SharedSlabAllocator;
import io.slabkv.arena.SlabAllocator;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Throughput of the slab allocator per size class: one {@code allocate} plus one {@code free}
 * per operation.
 *
 * <h2>Shape</h2>
 * <ul>
 *   <li>{@code pairShared} / {@code pairConfined}: allocate a chunk and free it at once. After
 *       the first call this is the free-list path of one page: pop, push, and (because the page's
 *       live count falls back to zero on every free) the empty-page check under the class monitor.
 *       The fastest path the allocator has, and the one a put-then-remove workload hits.</li>
 *   <li>{@code ringShared} / {@code ringConfined}: each thread keeps {@value #RING} chunks alive
 *       and replaces the oldest one per operation: frees spread over many pages (a 16000-byte
 *       class holds 65 chunks per 1 MiB page), so pages move between full, partial and current
 *       as they would under a churning store.</li>
 *   <li>{@code *Shared2T}: the same on one shared allocator from two threads at once, both in the
 *       same size class, so they contend on the same current page.</li>
 * </ul>
 * The confined allocator is built in a {@link Scope#Thread} state's trial setup, which JMH runs on
 * the worker thread that then measures: the allocator belongs to that thread. The shared one is a
 * {@link Scope#Benchmark} state, one allocator for every measuring thread.
 * <p>
 * Setup reserves the first region (a 64 MiB zeroed arena allocation) and fills the rings, so no
 * measured call pays for either. Run with {@code -prof gc}: the target is 0 B/op.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class AllocatorBenchmark {

    /** Chunks each thread keeps alive in the ring benchmarks. */
    static final int RING = 1024;
    /** Memory limit of every allocator: room for two rings of the largest size, many times over. */
    static final long LIMIT = 256L << 20;

    /** Requested chunk size in bytes; the allocator rounds up to its size class. */
    @Param({"32", "100", "1000", "16000"})
    public int size;

    @State(Scope.Benchmark)
    public static class Shared {
        SharedSlabAllocator allocator;

        @Setup(Level.Trial)
        public void open(AllocatorBenchmark b) {
            allocator = SlabAllocator.builder().memoryLimit(LIMIT).buildShared();
            warm(allocator, b.size);
        }

        @TearDown(Level.Trial)
        public void close() {
            allocator.close();
        }
    }

    @State(Scope.Thread)
    public static class Confined {
        ConfinedSlabAllocator allocator;

        @Setup(Level.Trial)
        public void open(AllocatorBenchmark b) {
            allocator = SlabAllocator.builder().memoryLimit(LIMIT).buildConfined(); // owned by this worker
            warm(allocator, b.size);
        }

        @TearDown(Level.Trial)
        public void close() {
            allocator.close();
        }
    }

    /** One thread's window of live chunks for the ring benchmarks, and the allocator they came from. */
    public abstract static class Ring {
        final long[] handles = new long[RING];
        SlabAllocator allocator;
        int next;

        /** Fills the ring from {@code a} (trial setup, not measured). */
        void fill(SlabAllocator a, int size) {
            allocator = a;
            for (int i = 0; i < RING; i++) {
                handles[i] = checked(a.allocate(size), size);
            }
        }
    }

    /**
     * A ring on the one shared allocator. The benchmark methods take only this state and reach the
     * allocator through it: JMH 1.37 gives a {@link Scope#Thread} state that is both a setup
     * dependency and a benchmark argument two separate instances, so a ring filled from one
     * allocator and measured on another would free foreign handles.
     */
    @State(Scope.Thread)
    public static class SharedRing extends Ring {
        @Setup(Level.Trial)
        public void open(Shared s, AllocatorBenchmark b) {
            fill(s.allocator, b.size);
        }
    }

    /** A ring on its own confined allocator, built here, on the worker thread that measures it. */
    @State(Scope.Thread)
    public static class ConfinedRing extends Ring {
        @Setup(Level.Trial)
        public void open(AllocatorBenchmark b) {
            ConfinedSlabAllocator a = SlabAllocator.builder().memoryLimit(LIMIT).buildConfined();
            warm(a, b.size);
            fill(a, b.size);
        }

        @TearDown(Level.Trial)
        public void close() {
            allocator.close();
        }
    }

    /** Takes the first region and the first page of the class outside the measurement. */
    static void warm(SlabAllocator a, int size) {
        a.free(checked(a.allocate(size), size));
    }

    static long checked(long handle, int size) {
        if (handle == ChunkHandle.NONE) {
            throw new IllegalStateException("allocator refused a chunk of " + size + " bytes under a "
                    + LIMIT + "-byte limit");
        }
        return handle;
    }

    // ------------------------------------------------------------------ allocate, then free at once

    @Benchmark
    public long pairShared(Shared s) {
        return pair(s.allocator, size);
    }

    @Benchmark
    @Threads(2)
    public long pairShared2T(Shared s) {
        return pair(s.allocator, size);
    }

    @Benchmark
    public long pairConfined(Confined c) {
        return pair(c.allocator, size);
    }

    private static long pair(SlabAllocator a, int size) {
        long h = a.allocate(size);
        a.free(h);
        return h;
    }

    // ------------------------------------------------------------------ replace the oldest of a ring

    @Benchmark
    public long ringShared(SharedRing r) {
        return replaceOldest(r, size);
    }

    @Benchmark
    @Threads(2)
    public long ringShared2T(SharedRing r) {
        return replaceOldest(r, size);
    }

    @Benchmark
    public long ringConfined(ConfinedRing r) {
        return replaceOldest(r, size);
    }

    private static long replaceOldest(Ring r, int size) {
        SlabAllocator a = r.allocator;
        int i = r.next;
        a.free(r.handles[i]);
        long h = a.allocate(size);
        r.handles[i] = h;
        r.next = (i + 1) & (RING - 1);
        return h;
    }
}
