package io.slabkv.arena;

import static io.slabkv.arena.Fixtures.MIB;
import static io.slabkv.arena.Fixtures.PAGE;
import static io.slabkv.arena.Fixtures.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared allocator under several threads at once (2 CPUs are enough; each test runs ~1.5 s).
 * Every chunk carries its owner's pattern (thread id, handle, sequence) over its whole requested
 * size, checked before it is freed; a global interval set, updated atomically with each allocation
 * and before each free, catches two live chunks that overlap even when neither is written yet.
 */
class ConcurrentAllocationTest {

    static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);

    /** A chunk as its owner knows it. */
    record Chunk(long handle, long size, long key, long address, int chunkSize) {
    }

    /** Live chunks by address; add checks for overlap with its neighbours atomically. */
    static final class Intervals {
        private final TreeMap<Long, Long> map = new TreeMap<>();

        synchronized void add(Chunk c) {
            long start = c.address(), end = start + c.chunkSize();
            Map.Entry<Long, Long> below = map.floorEntry(start);
            Map.Entry<Long, Long> above = map.ceilingEntry(start);
            if (below != null && below.getValue() > start) {
                throw new AssertionError("chunk " + c + " overlaps the live chunk at " + below);
            }
            if (above != null && above.getKey() < end) {
                throw new AssertionError("chunk " + c + " overlaps the live chunk at " + above);
            }
            map.put(start, end);
        }

        synchronized void remove(Chunk c) {
            Long end = map.remove(c.address());
            if (end == null || end != c.address() + c.chunkSize()) {
                throw new AssertionError("chunk " + c + " was not live (found end " + end + ")");
            }
        }

        synchronized int size() {
            return map.size();
        }
    }

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private SlabAllocator allocator;

    private Thread spawn(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, new AssertionError(Thread.currentThread().getName() + ": " + e, e));
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    private void runAll() throws InterruptedException {
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);
            assertTrue(!t.isAlive(), t.getName() + " did not finish");
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @AfterEach
    void close() {
        if (allocator != null) {
            allocator.close();
            assertEquals(0, allocator.reservedBytes());
        }
    }

    static long randomSize(Random rnd) {
        int r = rnd.nextInt(100);
        if (r < 70) {
            return 1 + rnd.nextInt(256);
        }
        if (r < 94) {
            return 257 + rnd.nextInt(4096 - 256);
        }
        if (r < 98) {
            return 4097 + rnd.nextInt(PAGE - 4096);
        }
        return PAGE + 1 + rnd.nextInt(2 * PAGE); // a run of two or three pages
    }

    static Chunk describe(SlabAllocator a, long h, long size, long key) {
        int chunk = a.chunkSize(h);
        if (chunk < size) {
            throw new AssertionError("chunk " + h + " of " + chunk + " bytes for a request of " + size);
        }
        long off = a.offset(h);
        if (chunk > a.pageSize()) { // a run of pages: the whole of its first page onwards
            if (off != 0 || chunk % a.pageSize() != 0 || a.segment(h).byteSize() < chunk) {
                throw new AssertionError("run " + h + " at offset " + off + " (" + chunk + " bytes) is misplaced");
            }
        } else if (off % 8 != 0 || off % chunk != 0 || off + chunk > a.pageSize()) {
            throw new AssertionError("chunk " + h + " at offset " + off + " (chunk " + chunk + ") is misplaced");
        }
        return new Chunk(h, size, key, Fixtures.address(a, h), chunk);
    }

    /**
     * Interleavings guarded against, all on shared pages of shared classes:
     * <ul>
     *   <li>two threads carving from one current page (get-and-add on the bump offset) and racing the
     *       refill that replaces it when it runs out;</li>
     *   <li>pops and pushes on one page's free list from different threads, including a free of a
     *       chunk another thread allocated (handed over through a queue): the tagged head must stop
     *       an ABA pop from linking a chunk that is live again;</li>
     *   <li>a free that empties a page racing an allocator that still sees it as current or is about
     *       to reserve on it (live count to DEAD, stale reservations backing off), and the page going
     *       to another class through the pool after its grace period;</li>
     *   <li>drainPage (from a monitor thread) racing allocations and frees on the drained page;</li>
     *   <li>allocation at the memory limit (NONE, reclaim and retry) while other threads free;</li>
     *   <li>runs of pages (2 % of the sizes) taken from the pool while classes take and return single
     *       pages: a run must get consecutive pages no class holds, and its pages must come back to
     *       the pool (and serve classes) only after it is freed and their grace period is over;
     *       drainPage on any page of a run lists the run.</li>
     * </ul>
     */
    @Test
    void randomAllocationsAndFreesNeverOverlapNorClobberAndStayUnderTheLimit() throws Exception {
        long limit = 3 * MIB;
        SlabAllocator a = allocator = small().memoryLimit(limit).buildShared();
        Intervals intervals = new Intervals();
        ConcurrentLinkedQueue<Chunk> handoff = new ConcurrentLinkedQueue<>();
        LongAdder allocs = new LongAdder(), frees = new LongAdder(), nones = new LongAdder(), remote = new LongAdder();
        long deadline = System.nanoTime() + RUN_NANOS;
        int workers = 3;
        for (int w = 0; w < workers; w++) {
            int tid = w;
            spawn("worker-" + w, () -> {
                Random rnd = new Random(1000 + tid);
                List<Chunk> live = new ArrayList<>();
                long seq = 0;
                while (System.nanoTime() < deadline && failure.get() == null) {
                    int op = rnd.nextInt(100);
                    if (!live.isEmpty() && (op < 40 || live.size() >= 400)) {
                        Chunk c = live.remove(rnd.nextInt(live.size())); // order of frees is random
                        Fixtures.assertPattern(a, c.handle(), c.size(), c.key());
                        intervals.remove(c);
                        if (rnd.nextInt(4) == 0) {
                            a.retire(c.handle());
                        } else {
                            a.free(c.handle());
                        }
                        frees.increment();
                    } else if (op < 46) {
                        Chunk c = handoff.poll();
                        if (c != null) { // free a chunk another thread allocated and filled
                            Fixtures.assertPattern(a, c.handle(), c.size(), c.key());
                            intervals.remove(c);
                            a.free(c.handle());
                            frees.increment();
                            remote.increment();
                        } else if (!live.isEmpty()) {
                            handoff.add(live.remove(live.size() - 1));
                        }
                    } else {
                        long size = randomSize(rnd);
                        long h = a.allocate(size);
                        if (h == ChunkHandle.NONE) {
                            nones.increment();
                            if (!live.isEmpty()) { // make room: free one of ours
                                Chunk c = live.remove(rnd.nextInt(live.size()));
                                Fixtures.assertPattern(a, c.handle(), c.size(), c.key());
                                intervals.remove(c);
                                a.free(c.handle());
                                frees.increment();
                            }
                            continue;
                        }
                        allocs.increment();
                        long key = Fixtures.key(tid, h, seq++);
                        Chunk c = describe(a, h, size, key);
                        intervals.add(c);
                        Fixtures.fill(a, h, size, key);
                        live.add(c);
                    }
                    if (!live.isEmpty() && rnd.nextInt(16) == 0) { // has anyone written into our chunks?
                        Chunk c = live.get(rnd.nextInt(live.size()));
                        Fixtures.assertPattern(a, c.handle(), c.size(), c.key());
                    }
                }
                for (Chunk c : live) {
                    Fixtures.assertPattern(a, c.handle(), c.size(), c.key());
                    intervals.remove(c);
                    a.free(c.handle());
                    frees.increment();
                }
            });
        }
        AtomicLong drains = new AtomicLong();
        spawn("monitor", () -> {
            Random rnd = new Random(5);
            while (System.nanoTime() < deadline && failure.get() == null) {
                long reserved = a.reservedBytes();
                if (reserved > limit) {
                    throw new AssertionError("reserved " + reserved + " over the limit " + limit);
                }
                AllocatorStats s = a.stats();
                if (s.peakReservedBytes() > limit) {
                    throw new AssertionError("peak reserved over the limit: " + s);
                }
                if (rnd.nextInt(20) == 0) {
                    a.drainPage(rnd.nextInt(48)); // the listed chunks belong to the workers, who free them
                    drains.incrementAndGet();
                }
                if (rnd.nextInt(10) == 0) {
                    a.reclaim();
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        runAll();
        for (Chunk c; (c = handoff.poll()) != null; ) {
            Fixtures.assertPattern(a, c.handle(), c.size(), c.key());
            intervals.remove(c);
            a.free(c.handle());
            frees.increment();
        }
        assertEquals(0, intervals.size());
        a.reclaim();
        a.reclaim();
        AllocatorStats s = a.stats();
        assertTrue(allocs.sum() > 1_000, "too little work to mean anything: " + allocs.sum());
        assertTrue(remote.sum() > 20, "too few cross-thread frees: " + remote.sum());
        SizeClassStats runs = s.classes().stream().filter(c -> c.sizeClass() == a.runClass()).findFirst().orElseThrow();
        assertTrue(runs.allocations() > 20, "too few runs of pages: " + runs);
        assertEquals(allocs.sum(), s.allocations(), s.toString());
        assertEquals(s.reuses() + s.carves(), s.allocations());
        assertEquals(frees.sum(), s.frees());
        assertEquals(nones.sum(), s.failuresAtLimit());
        assertEquals(0, s.usedBytes());
        assertEquals(0, s.pendingReclaim());
        assertTrue(s.peakReservedBytes() <= limit);
        assertEquals(s.reservedBytes(), s.pageBytes() + (long) s.freePages() * PAGE, "pages leaked: " + s);
        for (SizeClassStats cs : s.classes()) {
            assertEquals(0, cs.chunksUsed(), "class " + cs.sizeClass());
        }
        assertEverythingCanBeGivenBack(a);
    }

    /**
     * Interleaving guarded against: a reader enters its critical section and loads slot i, getting
     * chunk X; a writer then publishes Y in slot i and retires X, and allocations, frees and
     * reclaims (on the writers' batch path and in allocate's at-limit path) advance the epoch. X
     * must keep its bytes until the reader exits: freeing it early would write the free-list link
     * into its first word, and reusing it would overwrite it with another chunk's pattern. Some
     * readers linger inside (holding the epoch back, so the limit is reached with retired memory
     * pending) and re-check the chunk after lingering.
     */
    @Test
    void readersNeverSeeARetiredChunkFreedOrReused() throws Exception {
        long limit = 2 * MIB;
        SlabAllocator a = allocator = small().memoryLimit(limit).buildShared();
        int slotCount = 64;
        AtomicReferenceArray<Chunk> slots = new AtomicReferenceArray<>(slotCount);
        Intervals intervals = new Intervals();
        LongAdder allocs = new LongAdder(), frees = new LongAdder(), retires = new LongAdder(),
                nones = new LongAdder(), reads = new LongAdder(), lingers = new LongAdder();
        long deadline = System.nanoTime() + RUN_NANOS;
        for (int w = 0; w < 2; w++) {
            int tid = w;
            spawn("writer-" + w, () -> {
                Random rnd = new Random(2000 + tid);
                long seq = 0;
                while (System.nanoTime() < deadline && failure.get() == null) {
                    long size = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 12_000 : 600);
                    long h = a.allocate(size);
                    if (h == ChunkHandle.NONE) {
                        nones.increment();
                        Thread.yield(); // readers hold the epoch; let them move on
                        continue;
                    }
                    allocs.increment();
                    long key = Fixtures.key(tid, h, seq++);
                    Chunk c = describe(a, h, size, key);
                    intervals.add(c);
                    Fixtures.fill(a, h, size, key);
                    if (rnd.nextInt(4) == 0) { // a private chunk, freed at once: free and retire on one page
                        Fixtures.assertPattern(a, h, size, key);
                        intervals.remove(c);
                        a.free(h);
                        frees.increment();
                        continue;
                    }
                    Chunk old = slots.getAndSet(rnd.nextInt(slotCount), c); // publish (volatile: the pattern is visible)
                    if (old != null) {
                        Fixtures.assertPattern(a, old.handle(), old.size(), old.key());
                        intervals.remove(old); // unlinked: readers already inside may still hold it
                        a.retire(old.handle());
                        retires.increment();
                    }
                }
            });
        }
        for (int r = 0; r < 2; r++) {
            int rid = r;
            spawn("reader-" + r, () -> {
                Random rnd = new Random(3000 + rid);
                long n = 0;
                while (System.nanoTime() < deadline && failure.get() == null) {
                    ReadGuard g = a.enter();
                    try {
                        Chunk c = slots.get(rnd.nextInt(slotCount));
                        if (c == null) {
                            continue;
                        }
                        check(a, c, "on first read");
                        long linger = n++ % 200; // the first read of each reader lingers, then 1 in 200
                        if (linger == 0) {
                            Thread.sleep(2); // hold the epoch back for a while
                            lingers.increment();
                        } else if (linger < 20) {
                            Thread.yield();
                        }
                        check(a, c, "after lingering");
                        reads.increment();
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        g.exit();
                    }
                }
            });
        }
        runAll();
        for (int i = 0; i < slotCount; i++) {
            Chunk c = slots.getAndSet(i, null);
            if (c != null) {
                Fixtures.assertPattern(a, c.handle(), c.size(), c.key());
                intervals.remove(c);
                a.retire(c.handle());
                retires.increment();
            }
        }
        a.reclaim();
        a.reclaim();
        AllocatorStats s = a.stats();
        assertTrue(reads.sum() > 100 && retires.sum() > 100, "too little work: " + reads.sum() + " reads, "
                + retires.sum() + " retires");
        assertTrue(lingers.sum() > 0);
        assertEquals(allocs.sum(), s.allocations());
        assertEquals(frees.sum() + retires.sum(), s.frees(), s.toString());
        assertEquals(nones.sum(), s.failuresAtLimit());
        assertEquals(0, s.pendingReclaim());
        assertEquals(0, s.usedBytes());
        assertTrue(s.peakReservedBytes() <= limit);
        assertEquals(0, intervals.size());
        assertEverythingCanBeGivenBack(a);
    }

    /**
     * Interleaving guarded against (ABA on a page's free list): thread T1 reads head A and A's link
     * B, and is preempted before its CAS; T2 pops A, pops B, and pushes A back; T1's CAS then
     * succeeds on an untagged head and installs B, which T2 holds, as the head: B is handed out
     * twice. Every thread here allocates and frees in the one class of a small page, so all of them
     * pop and push the same short free list; a lock-free ownership table (CAS from 0 to the thread)
     * catches a chunk handed to two threads at once, without serialising the threads.
     */
    @Test
    void aHotFreeListNeverHandsOutAChunkTwice() throws Exception {
        SlabAllocator a = allocator = SlabAllocator.builder().pageSize(4096).regionSize(16 * 4096)
                .memoryLimit(16 * 4096).buildShared();
        int perPage = 4096 / 32;
        java.util.concurrent.atomic.AtomicLongArray owner = new java.util.concurrent.atomic.AtomicLongArray(16 * perPage);
        LongAdder ops = new LongAdder();
        long deadline = System.nanoTime() + RUN_NANOS;
        int threadCount = 4;
        for (int t = 0; t < threadCount; t++) {
            long tid = t + 1;
            spawn("hot-" + t, () -> {
                long[] held = new long[3];
                long seq = 0;
                while (System.nanoTime() < deadline && failure.get() == null) {
                    for (int i = 0; i < held.length; i++) {
                        long h = a.allocate(32);
                        if (h == ChunkHandle.NONE) {
                            throw new AssertionError("the limit is far above what " + threadCount + " x 3 chunks need");
                        }
                        int slot = (int) ((h >>> a.pageShift()) * perPage + a.offset(h) / 32);
                        long prev = owner.compareAndExchange(slot, 0, tid);
                        if (prev != 0) {
                            throw new AssertionError("chunk " + h + " handed out to thread " + tid
                                    + " while thread " + prev + " holds it");
                        }
                        Fixtures.fill(a, h, 32, Fixtures.key(tid, h, seq++));
                        held[i] = h;
                    }
                    for (int i = 0; i < held.length; i++) {
                        long h = held[i];
                        int slot = (int) ((h >>> a.pageShift()) * perPage + a.offset(h) / 32);
                        Fixtures.assertPattern(a, h, 32, Fixtures.key(tid, h, seq - held.length + i));
                        if (!owner.compareAndSet(slot, tid, 0)) {
                            throw new AssertionError("chunk " + h + " of thread " + tid + " was taken by " + owner.get(slot));
                        }
                        a.free(h);
                    }
                    ops.increment();
                }
            });
        }
        runAll();
        AllocatorStats s = a.stats();
        assertTrue(ops.sum() > 1_000, "too little work: " + ops.sum());
        assertEquals(s.allocations(), s.frees());
        assertEquals(0, s.usedBytes());
        assertTrue(s.reuses() > s.carves(), "the free list was exercised: " + s);
    }

    private static void check(SlabAllocator a, Chunk c, String when) {
        long bad = Fixtures.firstMismatch(a, c.handle(), c.size(), c.key());
        if (bad >= 0) {
            throw new AssertionError("a reader inside its critical section saw chunk " + c + " change at byte " + bad
                    + " " + when + " (freed or reused while still readable)");
        }
    }

    /**
     * Interleaving guarded against: the limit lowered and raised while threads allocate and free, so
     * regions are released (their shared arenas closed) while other threads work on other regions'
     * pages, and pages come back to the pool of a region being released. Only whole free regions may
     * go: a region holding a live chunk must never be released under its owner (the pattern checks
     * would then throw from the closed segment), and the accounting must balance at the end.
     */
    @Test
    void limitChangesWhileThreadsAllocateNeverReleaseLiveMemory() throws Exception {
        long high = 3 * MIB, low = MIB;
        SlabAllocator a = allocator = small().memoryLimit(high).buildShared();
        Intervals intervals = new Intervals();
        LongAdder allocs = new LongAdder(), frees = new LongAdder(), nones = new LongAdder(), changes = new LongAdder();
        long deadline = System.nanoTime() + RUN_NANOS;
        for (int w = 0; w < 2; w++) {
            int tid = w;
            spawn("worker-" + w, () -> {
                Random rnd = new Random(4000 + tid);
                List<Chunk> live = new ArrayList<>();
                long seq = 0;
                while (System.nanoTime() < deadline && failure.get() == null) {
                    if (!live.isEmpty() && (rnd.nextInt(100) < 45 || live.size() >= 300)) {
                        Chunk c = live.remove(rnd.nextInt(live.size()));
                        Fixtures.assertPattern(a, c.handle(), c.size(), c.key());
                        intervals.remove(c);
                        a.free(c.handle());
                        frees.increment();
                        continue;
                    }
                    long size = randomSize(rnd);
                    long h = a.allocate(size);
                    if (h == ChunkHandle.NONE) {
                        nones.increment();
                        for (int i = 0; i < 20 && !live.isEmpty(); i++) { // shed load, as an evictor would
                            Chunk c = live.remove(live.size() - 1);
                            Fixtures.assertPattern(a, c.handle(), c.size(), c.key());
                            intervals.remove(c);
                            a.free(c.handle());
                            frees.increment();
                        }
                        continue;
                    }
                    allocs.increment();
                    long key = Fixtures.key(tid, h, seq++);
                    Chunk c = describe(a, h, size, key);
                    intervals.add(c);
                    Fixtures.fill(a, h, size, key);
                    live.add(c);
                }
                for (Chunk c : live) {
                    Fixtures.assertPattern(a, c.handle(), c.size(), c.key());
                    intervals.remove(c);
                    a.free(c.handle());
                    frees.increment();
                }
            });
        }
        spawn("limit-changer", () -> {
            boolean lowNow = false;
            while (System.nanoTime() < deadline && failure.get() == null) {
                lowNow = !lowNow;
                a.setLimit(lowNow ? low : high);
                changes.increment();
                long reserved = a.reservedBytes();
                if (reserved > high) {
                    throw new AssertionError("reserved " + reserved + " over the highest limit " + high);
                }
                try {
                    Thread.sleep(lowNow ? 20 : 5);
                } catch (InterruptedException e) {
                    return;
                }
            }
            a.setLimit(high);
        });
        runAll();
        a.reclaim();
        a.reclaim();
        AllocatorStats s = a.stats();
        assertTrue(allocs.sum() > 500 && changes.sum() > 5, allocs.sum() + " allocations, " + changes.sum() + " changes");
        assertEquals(allocs.sum(), s.allocations());
        assertEquals(frees.sum(), s.frees());
        assertEquals(nones.sum(), s.failuresAtLimit());
        assertEquals(0, s.usedBytes());
        assertEquals(0, s.pendingReclaim());
        assertTrue(s.peakReservedBytes() <= high);
        assertEquals(s.reservedBytes(), s.pageBytes() + (long) s.freePages() * PAGE, "pages leaked: " + s);
        assertEverythingCanBeGivenBack(a);
    }

    /**
     * With every chunk free, each class still holds its (empty) current page; drained, those go to
     * the pool too, and a limit of one page then releases every region but at most that page.
     */
    static void assertEverythingCanBeGivenBack(SlabAllocator a) {
        for (int p = 0; p < a.maxPages(); p++) {
            if (a.pageClass(p) >= 0) {
                assertEquals(0, a.drainPage(p).length, "page " + p + " still lists chunks");
            }
        }
        a.reclaim();
        a.reclaim();
        assertEquals(0, a.stats().pageBytes());
        assertEquals(0, a.setLimit(PAGE), a.stats().toString());
        assertTrue(a.reservedBytes() <= PAGE, a.stats().toString());
    }
}
