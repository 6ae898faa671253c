package io.slabkv.nativemem;

import io.slabkv.arena.Region;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One anonymous private mapping. Its segment belongs to an {@link Arena} that {@link #release()}
 * closes <em>before</em> {@code munmap}: closing a shared arena waits until no thread is inside an
 * access to it, so a late reader gets an {@link IllegalStateException} from the FFM runtime rather
 * than a SIGSEGV on unmapped memory.
 */
final class MmapRegion implements Region {

    private final MmapPageSource source;
    private final Arena arena;
    private final MemorySegment mapping;   // the whole mapping (hugetlb rounds it up to huge pages)
    private final MemorySegment memory;    // the bytes the allocator asked for
    private final long discardGranule;     // madvise works on whole pages of the mapping
    private final boolean hugetlb;
    private final boolean locked;
    private final AtomicBoolean released = new AtomicBoolean();

    MmapRegion(MmapPageSource source, Arena arena, MemorySegment mapping, long bytes, long pageSize,
               boolean hugetlb, boolean locked) {
        this.source = source;
        this.arena = arena;
        this.mapping = mapping;
        this.memory = mapping.asSlice(0, bytes);
        this.discardGranule = pageSize;
        this.hugetlb = hugetlb;
        this.locked = locked;
    }

    @Override
    public MemorySegment memory() {
        return memory;
    }

    /**
     * {@code madvise(MADV_DONTNEED)} over the whole pages inside the range: the kernel takes them
     * back, resident memory drops, and the next touch reads zeros. A locked region keeps its pages
     * (that is what locking asked for); a partial huge page of a hugetlb region stays too.
     *
     * @throws IllegalArgumentException when the range does not lie inside the region
     * @throws IllegalStateException after {@link #release()}
     */
    @Override
    public void discard(long offset, long length) {
        long size = memory.byteSize();
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IllegalArgumentException("discard range [" + offset + ", " + offset + " + " + length
                    + ") must lie inside the region of " + size + " bytes");
        }
        if (released.get()) {
            throw new IllegalStateException(this + " was released; nothing to discard");
        }
        if (locked || length == 0 || source.discardRefused()) {
            return;
        }
        long from = alignUp(offset, discardGranule);
        long to = (offset + length) & -discardGranule;
        if (to <= from) {
            return;
        }
        try {
            LibC.madvise(mapping.asSlice(from, to - from), LibC.MADV_DONTNEED);
        } catch (NativeCallException e) {
            source.discardFailed(this, e);
        }
    }

    @Override
    public void release() {
        if (!released.compareAndSet(false, true)) {
            throw new IllegalStateException(this + " was already released");
        }
        try {
            arena.close(); // after this no thread can reach the memory through the segment
        } catch (RuntimeException e) {
            released.set(false); // wrong thread, or a downcall still holds the segment
            throw e;
        }
        LibC.munmap(mapping.address(), mapping.byteSize()); // also drops an mlock
        source.released(this);
    }

    long address() {
        return mapping.address();
    }

    long mappedBytes() {
        return mapping.byteSize();
    }

    boolean hugetlb() {
        return hugetlb;
    }

    boolean locked() {
        return locked;
    }

    boolean isReleased() {
        return released.get();
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    @Override
    public String toString() {
        return "mmap region " + LibC.hex(mapping.address()) + " of " + OsMemory.bytes(memory.byteSize())
                + (hugetlb ? " (hugetlb" : " (" + OsMemory.bytes(discardGranule)) + " pages"
                + (locked ? ", locked)" : ")");
    }
}
