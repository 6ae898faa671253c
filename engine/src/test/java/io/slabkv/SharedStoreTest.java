package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The {@link StoreSpec} over a shared store, plus what only a shared store does: any thread uses it,
 * any thread closes it, a background monitor runs beside the callers, and a reader inside a
 * critical section holds back the reuse of what it might be reading.
 */
class SharedStoreTest extends StoreSpec {

    @Override
    SlabKV.Builder variant(SlabKV.Builder b) {
        return b.shared();
    }

    /**
     * A put from a visitor into an index with no EMPTY slot would have to clean tombstones, which
     * waits out the critical sections open at the mark: the visitor's own among them. It spun
     * forever; it must be refused instead, change nothing, and work once forEach has returned.
     */
    @Test
    void aVisitorPuttingIntoAnIndexWithoutEmptySlotsIsRefusedNotHung() {
        SlabKV kv = storeWithoutEmptySlots();
        kv.maintain(); // frees the removed entries' chunks; one round only marks the tombstones
        assertEquals(2, kv.stats().tombstones());
        long usedBefore = kv.stats().bytesUsed();
        IllegalStateException[] refused = {null};
        int[] visits = {0};
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> kv.forEach((k, v) -> {
            if (visits[0]++ == 0) {
                refused[0] = assertThrows(IllegalStateException.class, () -> kv.put(100L, value(30, 100)));
            }
        }));
        assertTrue(refused[0].getMessage().contains("forEach"), refused[0].getMessage());
        assertEquals(12, kv.size());
        kv.maintain();
        assertEquals(usedBefore, kv.stats().bytesUsed(), "the refused entry's chunk was given back");
        kv.put(100L, value(30, 100));
        assertArrayEquals(valueBytes(30, 100), kv.get(littleEndian(100)));
        assertEquals(0, kv.stats().evictions());
    }

    /**
     * close() while three threads run operations: every operation either completes or throws a
     * RuntimeException (the store's "closed", or the FFM runtime's when a region is released under
     * it), never a JVM crash or a hang, and every byte is released.
     */
    @Test
    void closingWhileOtherThreadsRunOperations() throws Exception {
        SlabKV kv = open(builder().expectedEntries(256));
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.Map<String, Integer> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch running = new CountDownLatch(3);
        for (int t = 0; t < 3; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                MemorySegment dst = MemorySegment.ofArray(new byte[300]);
                java.util.Random rnd = new java.util.Random(id);
                running.countDown();
                try {
                    for (long i = 0; ; i++) {
                        long k = rnd.nextInt(200);
                        switch (rnd.nextInt(4)) {
                            case 0 -> kv.put(k, value(rnd.nextInt(300), k));
                            case 1 -> kv.get(k, dst);
                            case 2 -> kv.remove(k);
                            default -> kv.forEach((a, b) -> { });
                        }
                    }
                } catch (RuntimeException e) {
                    outcomes.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                } catch (Throwable e) {
                    outcomes.merge("not a RuntimeException: " + e, 1, Integer::sum);
                }
            }, "worker-" + t);
            threads.add(th);
            th.start();
        }
        assertTrue(running.await(10, TimeUnit.SECONDS));
        Thread.sleep(200);
        kv.close();
        for (Thread th : threads) {
            th.join(10_000);
            assertFalse(th.isAlive(), th.getName() + " still runs after close");
        }
        assertEquals(3, outcomes.values().stream().mapToInt(Integer::intValue).sum(), outcomes.toString());
        assertTrue(outcomes.keySet().stream().noneMatch(k -> k.startsWith("not a")), outcomes.toString());
        assertEquals(0, store(kv).allocator().reservedBytes());
        System.out.println("operations racing close() ended with " + outcomes);
    }

    @Test
    void isShared() {
        assertFalse(open().confined());
    }

    @Test
    void anyThreadMayUseItAndAnyThreadMayCloseIt() throws Exception {
        SlabKV kv = open();
        kv.put(1L, value(10, 1));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                assertArrayEquals(valueBytes(10, 1), read(kv, MemorySegment.ofArray(littleEndian(1))));
                kv.put(2L, value(10, 2));
                assertTrue(kv.remove(1L));
                kv.close();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "other");
        other.start();
        other.join();
        if (failure.get() != null) {
            throw new AssertionError("the other thread failed", failure.get());
        }
        assertThrows(IllegalStateException.class, () -> kv.get(2L, MemorySegment.ofArray(new byte[10])));
        assertEquals(0, store(kv).allocator().reservedBytes());
    }

    /** The model again, with the background monitor sweeping, cleaning and reclaiming beside it. */
    @Test
    void randomOperationsAgreeWithAHashMapWhileTheMonitorRuns() {
        ManualClock clock = new ManualClock(0);
        SlabKV kv = open(builder().expectedEntries(24).memoryLimit(8 << 20).timeSource(clock).backgroundMonitor(true)
                .maxIndexLoad(0.95)); // a key space of 0.9 of the slots, as in the model runs
        new ModelCheck(kv, clock, 6L, (int) (kv.stats().indexSlots() * 0.9)).sweptConcurrently().run(100_000);
        assertTrue(kv.stats().monitorChecks() > 0, "the monitor ran");
    }

    /**
     * A reader parked inside forEach holds back the reuse of every chunk retired after it entered.
     * A full store then cannot make room: evicting frees nothing it could use yet, so the put fails
     * with MemoryLimitExceededException naming the limit, stores nothing of its entry, never goes
     * over the limit, and leaves every entry still present intact. Once the reader leaves, puts
     * succeed again.
     */
    @Test
    void aReaderThatHoldsBackReuseMakesAFullStoreRefuseAPut() throws Exception {
        long limit = indexBytes(1024) + 2L * PAGE;
        SlabKV kv = open(builder().memoryLimit(limit));
        int n = 0;
        while (kv.stats().evictions() == 0) {
            kv.put(n, value(500, n));
            n++;
        }
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Thread reader = new Thread(() -> kv.forEach((k, v) -> {
            inside.countDown();
            try {
                leave.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "reader");
        reader.setDaemon(true);
        reader.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        try {
            long key = 1_000_000;
            long[] refused = {-1};
            MemoryLimitExceededException e = assertThrows(MemoryLimitExceededException.class, () -> {
                for (long k = key; k < key + 10_000; k++) {
                    refused[0] = k;
                    kv.put(k, value(500, k));
                }
            });
            assertTrue(e.getMessage().contains(String.valueOf(limit)), e.getMessage());
            assertFalse(kv.containsKey(refused[0]), "nothing of the refused entry was stored");
            StoreStats s = kv.stats();
            assertTrue(s.bytesReserved() <= limit, s::toString);
            for (long k = 0; k < key + 10_000; k++) {
                byte[] v = kv.get(littleEndian(k));
                if (v != null) {
                    assertArrayEquals(valueBytes(500, k), v, "key " + k);
                }
            }
        } finally {
            leave.countDown();
            reader.join();
        }
        kv.maintain();
        kv.put(-1L, value(500, -1));
        assertArrayEquals(valueBytes(500, -1), kv.get(littleEndian(-1)));
        assertNull(kv.get(littleEndian(-2)));
    }
}
