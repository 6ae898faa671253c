package io.slabkv.stress.arena;

import io.slabkv.arena.ChunkHandle;
import io.slabkv.arena.SharedSlabAllocator;
import io.slabkv.arena.SlabAllocator;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Allocators small enough to build one per jcstress sample, and the checks the tests make on the
 * chunks they hand out.
 *
 * <p>Pages are {@value #PAGE} bytes; all the allocator's pages form one region of a
 * {@link RecyclingPageSource}, reserved by the first allocation, and the memory limit (maximum
 * limit included) is exactly those pages: once they are used up, {@code allocate} returns
 * {@link ChunkHandle#NONE} instead of hiding a lost chunk behind a fresh page. Four size classes:
 * <pre>
 *   class   chunk   chunks/page
 *     0       512         8
 *     1      1024         4
 *     2      2048         2
 *     3      4096         1
 * </pre>
 * Pages are taken from the pool lowest number first, so the tests can predict where each chunk
 * lands and name it by its {@link #index chunk index}.
 */
public final class TinyAllocators {

    public static final int PAGE = 4096;

    private TinyAllocators() {
    }

    /** A shared allocator of {@code pages} pages, with {@code pages * PAGE} bytes as its hard limit. */
    public static SharedSlabAllocator shared(int pages) {
        long bytes = (long) pages * PAGE;
        return SlabAllocator.builder()
                .pageSize(PAGE)
                .regionSize(bytes)
                .memoryLimit(bytes)
                .maxMemoryLimit(bytes)
                .minChunkSize(512)
                .growthFactor(2.0)
                .pageSource(RecyclingPageSource.INSTANCE)
                .buildShared();
    }

    /**
     * The position of {@code handle}'s chunk counting all chunks of its size on pages 0, 1, 2...:
     * {@code page * chunksPerPage + offset / chunkSize}; -1 for {@link ChunkHandle#NONE}.
     */
    public static int index(SlabAllocator a, long handle, int chunkSize) {
        if (handle == ChunkHandle.NONE) {
            return -1;
        }
        int page = ChunkHandle.page(handle, a.pageShift());
        return page * (PAGE / chunkSize) + (int) (a.offset(handle) / chunkSize);
    }

    /** Whether the chunks of two handles share a byte (equal handles do). */
    public static boolean overlap(SlabAllocator a, long h1, int size1, long h2, int size2) {
        if (h1 == ChunkHandle.NONE || h2 == ChunkHandle.NONE) {
            return false;
        }
        int p1 = ChunkHandle.page(h1, a.pageShift());
        int p2 = ChunkHandle.page(h2, a.pageShift());
        long o1 = a.offset(h1);
        long o2 = a.offset(h2);
        return p1 == p2 && o1 < o2 + size2 && o2 < o1 + size1;
    }

    /** Writes {@code pattern} into every 8-byte word of the {@code size}-byte chunk. */
    public static void fill(SlabAllocator a, long handle, int size, long pattern) {
        MemorySegment page = a.segment(handle);
        long off = a.offset(handle);
        for (long i = 0; i < size; i += 8) {
            page.set(ValueLayout.JAVA_LONG_UNALIGNED, off + i, pattern);
        }
    }

    /** Whether every 8-byte word of the {@code size}-byte chunk still holds {@code pattern}. */
    public static boolean holds(SlabAllocator a, long handle, int size, long pattern) {
        MemorySegment page = a.segment(handle);
        long off = a.offset(handle);
        for (long i = 0; i < size; i += 8) {
            if (page.get(ValueLayout.JAVA_LONG_UNALIGNED, off + i) != pattern) {
                return false;
            }
        }
        return true;
    }
}
