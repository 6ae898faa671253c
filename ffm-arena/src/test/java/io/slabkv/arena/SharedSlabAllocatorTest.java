package io.slabkv.arena;

import static io.slabkv.arena.Fixtures.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@link SlabAllocatorSpec} over {@link SharedSlabAllocator}, plus its epoch-based safe reuse. */
class SharedSlabAllocatorTest extends SlabAllocatorSpec {

    @Override
    SlabAllocator build(SlabAllocator.Builder b) {
        return b.buildShared();
    }

    @Override
    boolean reclaimsAtOnce() {
        return false;
    }

    /** A thread that enters a critical section of an allocator and stays inside until told to leave. */
    static final class Reader extends Thread {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch leave = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final SlabAllocator allocator;

        Reader(SlabAllocator allocator) {
            super("reader");
            this.allocator = allocator;
            setDaemon(true);
        }

        @Override
        public void run() {
            ReadGuard g = allocator.enter();
            try {
                inside.countDown();
                leave.await();
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                g.exit();
            }
        }

        void enterAndWait() throws InterruptedException {
            start();
            assertTrue(inside.await(10, TimeUnit.SECONDS));
        }

        void leaveAndJoin() throws InterruptedException {
            leave.countDown();
            join(10_000);
            assertEquals(null, failure.get());
        }
    }

    private Reader reader;

    @AfterEach
    void releaseReader() throws InterruptedException {
        if (reader != null && reader.isAlive()) {
            reader.leaveAndJoin();
        }
    }

    /**
     * Interleaving guarded against: a reader enters its critical section (announcing epoch E) and
     * may be copying chunk X; a writer then unlinks and retires X and keeps allocating, retiring
     * (which triggers batch reclaims) and calling reclaim(). If X were freed before the reader
     * left, the free-list link write would overwrite X's first bytes under the reader, and the
     * next allocation of the class would hand X out to be overwritten entirely.
     */
    @Test
    void chunkRetiredWhileAReaderIsInsideIsNeitherOverwrittenNorReusedUntilItLeaves() throws Exception {
        SlabAllocator a = open(small());
        int perPage = a.sizeClasses().chunksPerPage(a.sizeClasses().classOf(200));
        reader = new Reader(a);
        reader.enterAndWait();

        long x = alloc(a, 200);
        long key = Fixtures.key(1, x, 1);
        Fixtures.fill(a, x, 200, key);
        a.retire(x);

        long epochAtRetire = ((SharedSlabAllocator) a).reclaimer().epoch();
        // keep the allocator busy: fill three pages of X's class, and retire chunks of another class
        // (more than a reclaim batch) so that retire itself tries to advance the epoch and free
        List<Long> kept = new ArrayList<>();
        for (int i = 0; i < 3 * perPage; i++) {
            long h = alloc(a, 200);
            assertNotEquals(x, h, "the retired chunk was handed out while a reader is inside");
            kept.add(h);
        }
        for (int i = 0; i < 3 * EpochReclaimer.RECLAIM_BATCH; i++) {
            long h = alloc(a, 40);
            assertNotEquals(x, h);
            a.retire(h);
        }
        for (int i = 0; i < 5; i++) {
            a.reclaim();
        }
        Fixtures.assertPattern(a, x, 200, key); // no free-list link was written into it
        AllocatorStats s = a.stats();
        assertEquals(0, s.frees(), "nothing retired may be freed while the reader is inside: " + s);
        assertEquals(1 + 3 * EpochReclaimer.RECLAIM_BATCH, s.pendingReclaim());
        assertTrue(((SharedSlabAllocator) a).reclaimer().epoch() <= epochAtRetire + 1,
                "the epoch moves at most one step past the reader's");
        assertEquals(1 + 3 * perPage + 3 * EpochReclaimer.RECLAIM_BATCH, s.allocations());

        reader.leaveAndJoin();
        a.reclaim();
        s = a.stats();
        assertEquals(1 + 3 * EpochReclaimer.RECLAIM_BATCH, s.frees(), s.toString());
        assertEquals(0, s.pendingReclaim());

        // X is on a full page that now has a free chunk: once the current page runs out, X comes back
        boolean reused = false;
        for (int i = 0; i < 2 * perPage && !reused; i++) {
            reused = alloc(a, 200) == x;
        }
        assertTrue(reused, "the retired chunk is reused after the reader left");
    }

    /**
     * Interleaving guarded against: an allocator read page P as its class's current page just
     * before P's last chunk was freed and P was recycled; if P went to the pool (and to another
     * class) at once, the stale allocator could carve from it. So a recycled page waits for every
     * critical section open at the time to exit.
     */
    @Test
    void recycledPageReachesThePoolOnlyAfterReadersLeave() throws Exception {
        SlabAllocator a = open(small());
        List<Long> hs = new ArrayList<>();
        int perPage = a.sizeClasses().chunksPerPage(a.sizeClasses().classOf(4096));
        for (int i = 0; i < 2 * perPage + 1; i++) {
            hs.add(alloc(a, 4096));
        }
        int page = pageOf(a, hs.get(0));
        int poolBefore = a.stats().freePages();
        reader = new Reader(a);
        reader.enterAndWait();
        for (int i = 0; i < perPage; i++) {
            a.free(hs.get(i));
        }
        for (int i = 0; i < 5; i++) {
            a.reclaim();
        }
        assertEquals(poolBefore, a.stats().freePages(), "page returned while a reader is inside");
        assertEquals(1, a.stats().pendingReclaim());
        reader.leaveAndJoin();
        a.reclaim();
        assertEquals(poolBefore + 1, a.stats().freePages());
        assertEquals(-1, a.pageClass(page));
    }

    @Test
    void retiredMemoryAtTheLimitIsRefusedWhileAReaderIsInsideAndReclaimedAfter() throws Exception {
        SlabAllocator a = open(small().memoryLimit(4 * Fixtures.PAGE));
        List<Long> hs = new ArrayList<>();
        long h;
        while ((h = a.allocate(Fixtures.PAGE)) != ChunkHandle.NONE) {
            hs.add(h);
        }
        assertEquals(4, hs.size());
        reader = new Reader(a);
        reader.enterAndWait();
        a.retire(hs.get(0));
        assertEquals(ChunkHandle.NONE, a.allocate(Fixtures.PAGE), "retired memory is still readable");
        reader.leaveAndJoin();
        assertEquals(hs.get(0), a.allocate(Fixtures.PAGE), "the failing path reclaims by itself");
    }

    /**
     * Chunks and pages still in their grace period when the allocator closes went with their
     * regions: reclaiming them later through the reclaimer (public, for maintenance) must drop them,
     * not write free-list links into released memory or give pages to a pool that no longer has them.
     */
    @Test
    void reclaimingThroughTheReclaimerAfterCloseDropsWhatWasPending() {
        SharedSlabAllocator a = (SharedSlabAllocator) open(small());
        int perPage = a.sizeClasses().chunksPerPage(a.sizeClasses().classOf(4096));
        List<Long> hs = new ArrayList<>();
        for (int i = 0; i < 2 * perPage; i++) {
            hs.add(alloc(a, 4096));
        }
        for (int i = 0; i < perPage; i++) {
            a.free(hs.get(i)); // a full page emptied: the page waits for its grace period
        }
        a.retire(hs.get(perPage)); // and a chunk
        assertEquals(2, a.reclaimer().pending());
        a.close();
        a.reclaimer().reclaimAll();
        assertEquals(0, a.reclaimer().pending());
        assertEquals(0, a.reservedBytes());
        assertEquals(0, a.stats().freePages());
    }

    @Test
    void otherThreadsMayUseASharedAllocator() throws Exception {
        SlabAllocator a = open(small());
        long h = alloc(a, 64);
        Fixtures.fill(a, h, 64, 9);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Fixtures.assertPattern(a, h, 64, 9);
                a.free(h);
                long g = a.allocate(64);
                assertEquals(h, g);
                a.retire(g);
                a.reclaim();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        assertEquals(null, failure.get());
        assertEquals(2, a.stats().frees());
    }

    @Test
    void aSharedAllocatorRefusesAConfinedPageSource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small().pageSource(ConfinedArenaPageSource.INSTANCE).buildShared());
        assertTrue(e.getMessage().contains("confined-arena") && e.getMessage().contains("shared source"),
                e.getMessage());
    }
}
