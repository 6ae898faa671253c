package io.slabkv.arena;

/**
 * The layout of a chunk handle: a {@code long} naming one chunk of one page.
 *
 * <pre>
 *  63                                  pageShift                     0
 * +------------------------------------+------------------------------+
 * |             page number            |  byte offset inside the page |
 * +------------------------------------+------------------------------+
 * </pre>
 *
 * {@code pageShift} is log2 of the page size (20 for 1 MiB pages). Offsets are multiples of 8, so
 * {@code handle >>> 3} also fits a slot word that stores references in 8-byte units. A run of pages
 * (an allocation larger than a page) is named by its first page at offset 0; the allocator's
 * segment for that page then spans the whole run.
 * {@link #NONE} (-1) is never a valid handle.
 */
public final class ChunkHandle {

    /** Returned by {@link SlabAllocator#allocate(long)} when the memory limit leaves no room. */
    public static final long NONE = -1L;

    private ChunkHandle() {
    }

    public static long of(int page, long offset, int pageShift) {
        return ((long) page << pageShift) | offset;
    }

    public static int page(long handle, int pageShift) {
        return (int) (handle >>> pageShift);
    }

    public static long offset(long handle, long pageMask) {
        return handle & pageMask;
    }
}
