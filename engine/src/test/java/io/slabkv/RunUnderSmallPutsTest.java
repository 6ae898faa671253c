package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A value larger than a page (a run of consecutive pages) put at the memory limit while other
 * threads put small values at the limit too.
 *
 * <p>The interleaving it guards against: the run's put empties a window of pages
 * ({@code Evictor.makeRoomForRun}); the window's pages come back to the pool one by one as their
 * chunks' grace periods end, and the small puts' size classes, refilling from the pool, take each
 * one as it arrives, so the run never finds its pages together: its put loops to its deadline
 * (2 s) and throws MemoryLimitExceededException although the entry fits. The window's pages are now
 * held for the run while it waits ({@code SlabAllocator.holdForRun}).
 */
class RunUnderSmallPutsTest {

    static final long RUN_NANOS = 1_500_000_000L;
    static final int RUN_VALUE = 40 << 10; // 3 pages of 16 KiB

    @Test
    void runsAreStoredAtTheLimitWhileSmallPutsRefillTheirClasses() throws Exception {
        try (SlabKV kv = SlabKV.builder().memoryLimit(2L << 20).pageSize(16 << 10).regionSize(256 << 10)
                .expectedEntries(8192).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLong runs = new AtomicLong();
            AtomicLong slowest = new AtomicLong();
            Thread[] small = new Thread[3];
            for (int t = 0; t < small.length; t++) {
                long seed = t;
                small[t] = new Thread(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment value = arena.allocate(1000);
                        while (!stop.get()) {
                            // Many sizes (many classes) and fresh keys: every put at the limit evicts.
                            kv.put(1_000_000 + rnd.nextLong(1_000_000), value.asSlice(0, 64 + rnd.nextInt(900)));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "small-" + t);
                small[t].start();
            }
            Thread runner = new Thread(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment value = arena.allocate(RUN_VALUE);
                    long end = System.nanoTime() + RUN_NANOS;
                    for (long k = 0; System.nanoTime() < end; k++) {
                        long start = System.nanoTime();
                        kv.put(k, value);
                        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                        runs.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "runs");
            runner.start();
            runner.join();
            stop.set(true);
            for (Thread t : small) {
                t.join();
            }
            assertEquals(0, failures.size(), () -> "failures: " + failures);
            assertTrue(runs.get() > 10, runs.get() + " runs stored");
            // A run that starved would have waited out the 2 s deadline before throwing.
            assertTrue(slowest.get() < 1_000_000_000L, "slowest run put " + slowest.get() / 1_000_000 + " ms");
        }
    }
}
