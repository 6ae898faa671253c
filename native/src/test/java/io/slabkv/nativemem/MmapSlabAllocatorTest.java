package io.slabkv.nativemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabkv.arena.ChunkHandle;
import io.slabkv.arena.ConfinedSlabAllocator;
import io.slabkv.arena.SharedSlabAllocator;
import io.slabkv.arena.SlabAllocator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The ffm-arena allocator over an mmap page source. */
class MmapSlabAllocatorTest {

    static final long MIB = 1L << 20;

    private static void write(SlabAllocator a, long h, int size, long seed) {
        MemorySegment s = a.segment(h);
        long off = a.offset(h);
        for (int i = 0; i + 8 <= size; i += 8) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, off + i, seed * 31 + i);
        }
    }

    private static void check(SlabAllocator a, long h, int size, long seed) {
        MemorySegment s = a.segment(h);
        long off = a.offset(h);
        for (int i = 0; i + 8 <= size; i += 8) {
            assertEquals(seed * 31 + i, s.get(ValueLayout.JAVA_LONG_UNALIGNED, off + i), "chunk " + seed);
        }
    }

    @Test
    void aSharedAllocatorAllocatesFreesAndClosesOverMmap() {
        MmapPageSource source = MmapPageSource.builder().transparentHugePages(true).build();
        SharedSlabAllocator a = SlabAllocator.builder().pageSource(source).memoryLimit(64 * MIB)
                .regionSize(16 * MIB).buildShared();
        int[] sizes = {24, 100, 1000, 5000, 20_000}; // about 32 MiB in all
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            int size = sizes[i % sizes.length];
            long h = a.allocate(size);
            assertNotEquals(ChunkHandle.NONE, h, "allocation " + i + " failed: " + a.stats());
            write(a, h, size, i);
            live.add(new long[] {h, size, i});
        }
        assertTrue(source.regions() >= 2, "the data needs more than one 16 MiB region: " + source);
        assertEquals(a.reservedBytes(), source.mappedBytes());
        for (long[] c : live) {
            check(a, c[0], (int) c[1], c[2]);
        }
        for (int i = 0; i < live.size(); i += 2) {
            a.free(live.get(i)[0]);
        }
        for (int i = 1; i < live.size(); i += 2) {
            check(a, live.get(i)[0], (int) live.get(i)[1], live.get(i)[2]);
        }
        for (int i = 1; i < live.size(); i += 2) {
            a.free(live.get(i)[0]);
        }
        a.reclaim();
        assertEquals(0, a.usedBytes());
        assertTrue(source.regions() > 0, "regions stay mapped until the allocator shrinks or closes");
        long[] addresses = new long[] {a.segment(live.get(1)[0]).address()};

        a.close();
        assertEquals(0, source.regions(), "closing the allocator releases every region");
        assertEquals(0, source.mappedBytes());
        assertFalse(Proc.mapped(addresses[0]));
        assertThrows(IllegalStateException.class, () -> a.allocate(100));
        assertEquals(List.of(), source.fallbacks());
    }

    /** Pages that go back to the allocator's pool are discarded: the process's RSS drops while regions stay mapped. */
    @Test
    void freedPagesGoBackToTheOs() throws Throwable {
        MmapPageSource source = new MmapPageSource();
        try (SharedSlabAllocator a = SlabAllocator.builder().pageSource(source).memoryLimit(128 * MIB)
                .regionSize(128 * MIB).buildShared()) {
            long[] handles = new long[100_000];
            for (int i = 0; i < handles.length; i++) { // 100,000 chunks of 1000 bytes: 113 pages of 1184-byte chunks
                long h = a.allocate(1000);
                assertNotEquals(ChunkHandle.NONE, h);
                write(a, h, 1000, h);
                handles[i] = h;
            }
            long anonFull = Proc.rssAnonKb();
            long rssFull = Proc.vmRssKb();
            for (long h : handles) {
                a.retire(h); // through the epoch, as the engine frees
            }
            for (int i = 0; i < 4 && a.reclaimer().pending() > 0; i++) {
                a.reclaim();
            }
            long anonFreed = Proc.rssAnonKb();
            long rssFreed = Proc.vmRssKb();
            System.out.printf("[rss] allocator over mmap, 100,000 chunks of 1000 bytes retired: VmRSS %d -> %d kB "
                            + "(-%d), RssAnon %d -> %d kB (-%d); still mapped %d MiB in %d regions%n",
                    rssFull, rssFreed, rssFull - rssFreed, anonFull, anonFreed, anonFull - anonFreed,
                    source.mappedBytes() >> 20, source.regions());
            assertEquals(0, a.usedBytes());
            assertEquals(0, a.reclaimer().pending());
            assertEquals(128 * MIB, source.mappedBytes(), "the region stays mapped");
            // Every page but the class's current one went back through discard: 112 MiB,
            // held to 90 MiB because the JVM's own resident memory moves by a few MiB meanwhile.
            assertTrue(anonFull - anonFreed >= 90 * 1024, "RssAnon fell by only " + (anonFull - anonFreed) + " kB");
        }
        assertEquals(0, source.mappedBytes());
    }

    @Test
    void loweringTheLimitUnmapsWholeRegions() {
        MmapPageSource source = new MmapPageSource();
        try (SharedSlabAllocator a = SlabAllocator.builder().pageSource(source).memoryLimit(32 * MIB)
                .regionSize(8 * MIB).buildShared()) {
            List<Long> handles = new ArrayList<>();
            long h;
            while ((h = a.allocate(4000)) != ChunkHandle.NONE) {
                handles.add(h);
            }
            assertEquals(4, source.regions());
            assertEquals(32 * MIB, source.mappedBytes());
            handles.forEach(a::free);
            a.reclaim();
            assertEquals(0, a.setLimit(8 * MIB));
            assertTrue(source.mappedBytes() <= 8 * MIB, "mapped after shrinking: " + source);
            assertEquals(a.reservedBytes(), source.mappedBytes());
        }
        assertEquals(0, source.regions());
    }

    @Test
    void aConfinedAllocatorUsesAConfinedSource() throws Exception {
        MmapPageSource source = MmapPageSource.builder().threadConfined(true).build();
        assertThrows(IllegalArgumentException.class,
                () -> SlabAllocator.builder().pageSource(source).buildShared(), "a shared allocator needs a shared source");
        ConfinedSlabAllocator a = SlabAllocator.builder().pageSource(source).memoryLimit(16 * MIB)
                .regionSize(8 * MIB).buildConfined();
        long h = a.allocate(512);
        write(a, h, 512, 7);
        check(a, h, 512, 7);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                a.segment(h).get(ValueLayout.JAVA_LONG, a.offset(h));
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        other.start();
        other.join();
        assertTrue(seen.get() instanceof WrongThreadException, String.valueOf(seen.get()));
        a.free(h);
        a.close();
        assertEquals(0, source.regions());
    }

    @Test
    void twoThreadsAllocateAndRetireConcurrently() throws Exception {
        MmapPageSource source = MmapPageSource.builder().transparentHugePages(true).prefault(true).build();
        try (SharedSlabAllocator a = SlabAllocator.builder().pageSource(source).memoryLimit(32 * MIB)
                .regionSize(8 * MIB).buildShared()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] threads = new Thread[2];
            for (int t = 0; t < threads.length; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    try {
                        long[] ring = new long[512];
                        for (int i = 0; i < 200_000; i++) {
                            int slot = i % ring.length;
                            if (ring[slot] != 0) {
                                check(a, ring[slot] - 1, 64, id * 1_000_000L + i - ring.length);
                                a.retire(ring[slot] - 1);
                            }
                            long h = a.allocate(64 + (i % 7) * 100);
                            if (h == ChunkHandle.NONE) {
                                throw new AssertionError("allocation failed: " + a.stats());
                            }
                            write(a, h, 64, id * 1_000_000L + i);
                            ring[slot] = h + 1;
                        }
                        for (long r : ring) {
                            if (r != 0) {
                                a.retire(r - 1);
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            a.reclaim();
            a.reclaim();
            assertEquals(0, a.usedBytes());
            assertTrue(source.mappedBytes() <= 32 * MIB);
        }
        assertEquals(0, source.regions());
    }
}
