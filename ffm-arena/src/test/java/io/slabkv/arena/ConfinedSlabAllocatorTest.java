package io.slabkv.arena;

import static io.slabkv.arena.Fixtures.MIB;
import static io.slabkv.arena.Fixtures.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The {@link SlabAllocatorSpec} over {@link ConfinedSlabAllocator}, plus what only the confined variant does. */
class ConfinedSlabAllocatorTest extends SlabAllocatorSpec {

    @Override
    SlabAllocator build(SlabAllocator.Builder b) {
        return b.buildConfined();
    }

    @Override
    boolean reclaimsAtOnce() {
        return true;
    }

    /** Runs {@code task} on a new thread named {@code name}; returns what it threw (or null). */
    static Throwable runOnOtherThread(String name, Executable task) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                task.execute();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, name);
        t.start();
        t.join();
        return thrown.get();
    }

    @Test
    void everyCallFromAnotherThreadIsRefusedNamingBothThreads() throws Exception {
        ConfinedSlabAllocator a = (ConfinedSlabAllocator) open(small());
        assertSame(Thread.currentThread(), a.owner());
        long h = alloc(a, 100);
        String owner = Thread.currentThread().getName();
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("allocate", () -> a.allocate(100));
        calls.put("free", () -> a.free(h));
        calls.put("retire", () -> a.retire(h));
        calls.put("drainPage", () -> a.drainPage(0));
        calls.put("setLimit", () -> a.setLimit(MIB));
        calls.put("reclaim", a::reclaim);
        calls.put("close", a::close);
        for (Map.Entry<String, Executable> call : calls.entrySet()) {
            Throwable e = runOnOtherThread("intruder-" + call.getKey(), call.getValue());
            assertTrue(e instanceof WrongThreadException, call.getKey() + " threw " + e);
            assertTrue(e.getMessage().contains("'" + owner + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("'intruder-" + call.getKey() + "'"), e.getMessage());
        }
        // nothing changed, and the owner still uses it
        assertFalse(a.isClosed());
        AllocatorStats s = a.stats();
        assertEquals(1, s.allocations());
        assertEquals(0, s.frees());
        assertEquals(MIB, s.limitBytes());
        Fixtures.fill(a, h, 100, 5);
        Fixtures.assertPattern(a, h, 100, 5);
        a.free(h);
        assertEquals(h, alloc(a, 100));
        a.close();
        assertEquals(0, a.reservedBytes());
    }

    @Test
    void pageMemoryIsConfinedToTheOwnerToo() throws Exception {
        SlabAllocator a = open(small());
        long h = alloc(a, 64);
        Throwable e = runOnOtherThread("reader", () -> a.segment(h).get(ValueLayout.JAVA_BYTE, a.offset(h)));
        assertTrue(e instanceof WrongThreadException, String.valueOf(e));
    }

    @Test
    void retireFreesAtOnceAndPagesReturnWithoutReclaim() {
        SlabAllocator a = open(small());
        List<Long> hs = new ArrayList<>();
        int perPage = a.sizeClasses().chunksPerPage(a.sizeClasses().classOf(4096));
        for (int i = 0; i < 2 * perPage + 1; i++) {
            hs.add(alloc(a, 4096));
        }
        int page = pageOf(a, hs.get(0));
        int poolBefore = a.stats().freePages();
        for (int i = 0; i < perPage; i++) {
            a.retire(hs.get(i));
        }
        AllocatorStats s = a.stats();
        assertEquals(perPage, s.frees());
        assertEquals(0, s.pendingReclaim());
        assertEquals(poolBefore + 1, s.freePages());
        assertEquals(-1, a.pageClass(page));
    }

    @Test
    void aConfinedAllocatorMayUseASharedPageSource() throws Exception {
        SlabAllocator a = open(small().pageSource(SharedArenaPageSource.INSTANCE));
        long h = alloc(a, 64);
        Fixtures.fill(a, h, 64, 3);
        // the memory itself is shared, the allocator is still confined
        assertEquals(null, runOnOtherThread("reader", () -> Fixtures.assertPattern(a, h, 64, 3)));
        assertTrue(runOnOtherThread("intruder", () -> a.allocate(64)) instanceof WrongThreadException);
        assertTrue(a.toString().contains("shared-arena"), a.toString());
    }
}
