package io.slabkv.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The epoch scheme on its own, with a sink that records what it is given. */
class EpochReclaimerTest {

    static final class RecordingSink implements EpochReclaimer.Sink {
        final List<Long> chunks = new ArrayList<>();
        final List<Integer> pages = new ArrayList<>();

        @Override
        public synchronized void freeChunk(long handle) {
            chunks.add(handle);
        }

        @Override
        public synchronized void returnPage(int page) {
            pages.add(page);
        }

        synchronized List<Long> chunks() {
            return List.copyOf(chunks);
        }

        synchronized List<Integer> pages() {
            return List.copyOf(pages);
        }
    }

    /** A thread that enters a critical section and stays until told to leave (or to die inside). */
    static final class Reader extends Thread {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch leave = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final EpochReclaimer r;
        final boolean exit;

        Reader(EpochReclaimer r, boolean exit) {
            this.r = r;
            this.exit = exit;
            setDaemon(true);
        }

        @Override
        public void run() {
            EpochReclaimer.Guard g = r.enter();
            try {
                inside.countDown();
                leave.await();
            } catch (Throwable e) {
                failure.set(e);
            }
            if (exit) {
                g.exit();
            }
        }

        Reader inside() throws InterruptedException {
            start();
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            return this;
        }

        void leave() throws InterruptedException {
            leave.countDown();
            join(10_000);
            assertFalse(isAlive());
            assertEquals(null, failure.get());
        }
    }

    private final RecordingSink sink = new RecordingSink();
    private final EpochReclaimer r = new EpochReclaimer(sink);
    private final List<Reader> readers = new ArrayList<>();

    private Reader reader() throws InterruptedException {
        Reader t = new Reader(r, true).inside();
        readers.add(t);
        return t;
    }

    @AfterEach
    void releaseReaders() throws InterruptedException {
        for (Reader t : readers) {
            if (t.isAlive()) {
                t.leave();
            }
        }
    }

    @Test
    void withNoReaderTheEpochAdvancesAndOneReclaimFreesEverything() {
        long e = r.epoch();
        assertTrue(r.tryAdvance());
        assertEquals(e + 1, r.epoch());
        r.retireChunk(123);
        r.retirePage(0);
        r.retirePage(7);
        assertEquals(3, r.pending());
        assertEquals(List.of(), sink.chunks(), "nothing is freed at retirement");
        assertEquals(3, r.reclaimAll());
        assertEquals(List.of(123L), sink.chunks());
        assertEquals(List.of(0, 7), sink.pages().stream().sorted().toList());
        assertEquals(0, r.pending());
        assertEquals(0, r.reclaimAll());
    }

    /** A reader inside since epoch E lets the epoch reach E + 1 and no further. */
    @Test
    void aReaderHoldsTheEpochBackAndWhatWasRetiredWhileItWasInside() throws Exception {
        Reader t = reader();
        long e = r.epoch();
        r.retireChunk(1);
        assertTrue(r.tryAdvance(), "the reader has seen the current epoch");
        assertFalse(r.tryAdvance(), "the reader has not seen epoch E + 1");
        assertEquals(e + 1, r.epoch());
        r.retireChunk(2);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, r.reclaimAll());
        }
        assertEquals(e + 1, r.epoch());
        assertEquals(2, r.pending());
        t.leave();
        assertEquals(2, r.reclaimAll()); // two steps: E + 3, past both
        assertEquals(List.of(1L, 2L), sink.chunks());
    }

    /**
     * A reader that entered after a retirement (so after the item was unlinked) cannot hold it and
     * does not delay it: it was retired at E, the reader announced E + 1, the epoch reaches E + 2.
     */
    @Test
    void aReaderThatEnteredAfterTheRetirementDoesNotHoldItBack() throws Exception {
        long e = r.epoch();
        r.retireChunk(5);
        assertTrue(r.tryAdvance());
        reader(); // announces E + 1
        assertEquals(1, r.reclaimAll());
        assertEquals(e + 2, r.epoch());
        assertEquals(List.of(5L), sink.chunks());
        r.retireChunk(6); // retired at E + 2 while the reader (E + 1) is inside: must wait
        assertEquals(0, r.reclaimAll());
        assertEquals(1, r.pending());
    }

    @Test
    void criticalSectionsNest() throws Exception {
        CountDownLatch step = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                EpochReclaimer.Guard outer = r.enter();
                EpochReclaimer.Guard inner = r.enter();
                assertTrue(inner == outer, "one guard per thread");
                inner.exit();
                assertTrue(outer.active(), "still inside the outer section");
                step.countDown();
                checked.await();
                outer.exit();
                assertFalse(outer.active());
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                done.countDown();
            }
        });
        t.start();
        assertTrue(step.await(10, TimeUnit.SECONDS));
        long e = r.epoch();
        r.retireChunk(9);
        r.tryAdvance();
        assertEquals(0, r.reclaimAll(), "the inner exit did not end the critical section");
        assertTrue(r.epoch() <= e + 1);
        checked.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        t.join();
        assertEquals(null, failure.get());
        assertEquals(1, r.reclaimAll());
    }

    @Test
    void retirementsReclaimInBatchesWithoutAnyExplicitReclaim() {
        int n = 2 * EpochReclaimer.RECLAIM_BATCH;
        for (int i = 0; i < n; i++) {
            r.retireChunk(i);
        }
        int freed = sink.chunks().size();
        assertTrue(freed >= EpochReclaimer.RECLAIM_BATCH, "freed " + freed + " of " + n);
        assertEquals(n - freed, r.pending());
        // what was freed is a prefix: the oldest first
        for (int i = 0; i < freed; i++) {
            assertEquals(i, sink.chunks().get(i));
        }
    }

    /**
     * Large chunks make a batch by their bytes: 64 KiB chunks are reclaimed every
     * RECLAIM_BYTES / 64 KiB retirements, not every RECLAIM_BATCH, so a thread writing large values
     * keeps a few of them in limbo (cache-sized), not 64.
     */
    @Test
    void largeChunksReclaimByTheirBytes() {
        long chunk = 64 << 10;
        int perBatch = (int) (EpochReclaimer.RECLAIM_BYTES / chunk);
        assertTrue(perBatch < EpochReclaimer.RECLAIM_BATCH);
        for (int i = 0; i < 4 * perBatch; i++) {
            r.retireChunk(i, chunk);
        }
        int freed = sink.chunks().size();
        assertTrue(freed >= perBatch, "freed " + freed + " of " + 4 * perBatch);
        assertTrue(r.pending() <= 3 * perBatch, "in limbo: " + r.pending());
        for (int i = 0; i < freed; i++) {
            assertEquals(i, sink.chunks().get(i), "the oldest first");
        }
    }

    @Test
    void retiringPagesNeverFreesInline() {
        for (int p = 0; p < 3 * EpochReclaimer.RECLAIM_BATCH; p++) {
            r.retirePage(p);
        }
        assertEquals(List.of(), sink.pages());
        assertEquals(3 * EpochReclaimer.RECLAIM_BATCH, r.pending());
        r.reclaimAll();
        assertEquals(3 * EpochReclaimer.RECLAIM_BATCH, sink.pages().size());
    }

    @Test
    void whatADeadThreadRetiredIsStillFreed() throws Exception {
        Thread t = new Thread(() -> {
            r.retireChunk(41);
            r.retireChunk(42);
            r.retirePage(3);
        });
        t.start();
        t.join();
        assertEquals(3, r.pending());
        assertEquals(3, r.reclaimAll());
        assertEquals(List.of(41L, 42L), sink.chunks());
        assertEquals(List.of(3), sink.pages());
    }

    /**
     * A thread that died inside a critical section (a caller bug) holds the epoch back until a new
     * thread registers and adopts its guard; the adopter starts outside any critical section, and the
     * dead thread's limbo list is kept and freed.
     */
    @Test
    void aDeadThreadsGuardIsAdoptedByTheNextThread() throws Exception {
        Reader dying = new Reader(r, false).inside();
        r.retireChunk(77);
        dying.leave(); // dies without exit()
        assertEquals(0, r.reclaimAll());
        assertEquals(0, r.reclaimAll());
        Thread newcomer = new Thread(() -> r.enter().exit());
        newcomer.start();
        newcomer.join();
        assertEquals(1, r.reclaimAll());
        assertEquals(List.of(77L), sink.chunks());
    }

    /**
     * Interleaving guarded against: a reader enters, loads the published item X, and is preempted;
     * a writer publishes Y, retires X, and other threads advance the epoch and reclaim. X must not be
     * freed while the reader is inside. Readers check X's state at load time and again just before
     * exit; writers and a reclaimer thread race them for a second.
     */
    @Test
    void noItemIsFreedWhileAReaderThatLoadedItIsInside() throws Exception {
        int capacity = 4_000_000;
        AtomicIntegerArray freed = new AtomicIntegerArray(capacity);
        EpochReclaimer rec = new EpochReclaimer(new EpochReclaimer.Sink() {
            @Override
            public void freeChunk(long handle) {
                if (freed.getAndSet((int) handle, 1) != 0) {
                    throw new AssertionError("item " + handle + " freed twice");
                }
            }

            @Override
            public void returnPage(int page) {
                throw new AssertionError("no pages here");
            }
        });
        int slotCount = 8;
        AtomicLong[] slots = new AtomicLong[slotCount];
        AtomicLong nextId = new AtomicLong(slotCount);
        for (int i = 0; i < slotCount; i++) {
            slots[i] = new AtomicLong(i);
        }
        AtomicLong violations = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            threads.add(new Thread(() -> {
                java.util.Random rnd = new java.util.Random();
                while (System.nanoTime() < deadline) {
                    long id = nextId.getAndIncrement();
                    if (id >= capacity) {
                        return;
                    }
                    long old = slots[rnd.nextInt(slotCount)].getAndSet(id);
                    rec.retireChunk(old);
                }
            }, "writer-" + w));
        }
        for (int rd = 0; rd < 2; rd++) {
            threads.add(new Thread(() -> {
                java.util.Random rnd = new java.util.Random();
                while (System.nanoTime() < deadline) {
                    EpochReclaimer.Guard g = rec.enter();
                    try {
                        long id = slots[rnd.nextInt(slotCount)].get();
                        if (freed.get((int) id) != 0) {
                            violations.incrementAndGet();
                        }
                        if (rnd.nextInt(64) == 0) {
                            Thread.onSpinWait();
                            Thread.yield(); // let writers and the reclaimer run while we hold the item
                        }
                        if (freed.get((int) id) != 0) {
                            violations.incrementAndGet();
                        }
                        reads.incrementAndGet();
                    } finally {
                        g.exit();
                    }
                }
            }, "reader-" + rd));
        }
        threads.add(new Thread(() -> {
            while (System.nanoTime() < deadline) {
                rec.reclaimAll();
                Thread.yield();
            }
        }, "reclaimer"));
        for (Thread t : threads) {
            t.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e));
            t.start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(null, failure.get());
        assertEquals(0, violations.get(), "items freed under a reader");
        assertTrue(reads.get() > 100, "readers ran: " + reads.get());
        // once everyone is out, everything retired comes back
        rec.reclaimAll();
        assertEquals(0, rec.pending());
        long retired = Math.min(nextId.get(), capacity) - slotCount;
        long freedCount = 0;
        for (int i = 0; i < capacity; i++) {
            freedCount += freed.get(i);
        }
        assertEquals(retired, freedCount);
    }
}
