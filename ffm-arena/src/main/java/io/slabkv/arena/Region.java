package io.slabkv.arena;

import java.lang.foreign.MemorySegment;

/**
 * One contiguous block of memory taken from a {@link PageSource}. The allocator cuts it into
 * pages and gives it back with {@link #release()} when the store shrinks or closes.
 */
public interface Region {

    /** The region's memory; its byte size is what the source reserved. */
    MemorySegment memory();

    /**
     * Tells the source that the bytes {@code [offset, offset + length)} hold nothing of value
     * any more (a page went back to the pool). A source backed by {@code mmap} returns them to the
     * OS; the default does nothing. The memory stays mapped and usable.
     */
    default void discard(long offset, long length) {
    }

    /** Gives the whole region back. The segment must not be touched afterwards. */
    void release();
}
