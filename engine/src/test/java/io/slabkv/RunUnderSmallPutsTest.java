package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
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
 * held for the run while it waits ({@code SlabAllocator.holdForRun}), with the windows the put emptied
 * before.
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
            // A run that starved waits out its 2 s deadline and throws MemoryLimitExceededException.
            assertEquals(0, failures.size(), () -> "failures: " + failures);
            assertTrue(runs.get() > 10, runs.get() + " runs stored");
            assertEquals(0, allocator(kv).heldRunPages(), "every put released its hold");
        }
    }

    /**
     * The wiring: while a run's put waits for the pages it emptied, they are held for it; when it
     * returns they are not. A forEach whose visitor blocks keeps a read section open, so the evicted
     * chunks (and their pages) cannot come back until it ends.
     */
    @Test
    void theEmptiedPagesAreHeldWhileTheRunWaitsAndReleasedAfter() throws Exception {
        try (SlabKV kv = SlabKV.builder().memoryLimit(1L << 20).pageSize(16 << 10).regionSize(256 << 10)
                .expectedEntries(4096).backgroundMonitor(false).build(); Arena arena = Arena.ofShared()) {
            MemorySegment small = arena.allocate(500);
            for (long k = 0; k < 4000; k++) {
                kv.put(1_000_000 + k, small); // far past the limit: every page serves small entries
            }
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch leave = new CountDownLatch(1);
            Thread reader = new Thread(() -> kv.forEach((key, value) -> {
                if (inside.getCount() > 0) {
                    inside.countDown();
                    try {
                        leave.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }), "blocked-reader");
            reader.start();
            inside.await();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            MemorySegment big = arena.allocate(RUN_VALUE);
            Thread runner = new Thread(() -> {
                try {
                    kv.put(1, big);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "run");
            runner.start();
            int held = 0;
            for (long end = System.nanoTime() + 1_000_000_000L; held == 0 && System.nanoTime() < end; ) {
                held = allocator(kv).heldRunPages();
                Thread.onSpinWait();
            }
            leave.countDown(); // the grace period can end: the run gets its pages
            reader.join();
            runner.join();
            assertTrue(held >= 3, "pages held while the run waited: " + held);
            assertEquals(0, failures.size(), () -> "failures: " + failures);
            assertEquals(0, allocator(kv).heldRunPages(), "released when the put returned");
            assertEquals(RUN_VALUE, kv.get(1, arena.allocate(RUN_VALUE)));
        }
    }

    private static io.slabkv.arena.SlabAllocator allocator(SlabKV kv) {
        return ((io.slabkv.engine.store.Store) kv).allocator();
    }
}
