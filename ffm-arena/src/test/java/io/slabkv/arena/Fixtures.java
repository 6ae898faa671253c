package io.slabkv.arena;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Function;

/** Shared helpers: small allocator configurations, both variants, and chunk fill patterns. */
final class Fixtures {

    static final int PAGE = 64 * 1024;
    static final long REGION = 256 * 1024; // 4 pages
    static final long MIB = 1 << 20;

    private Fixtures() {
    }

    /** 64 KiB pages, 256 KiB regions, 1 MiB limit, default classes (min 32, growth 1.25). */
    static SlabAllocator.Builder small() {
        return SlabAllocator.builder().pageSize(PAGE).regionSize(REGION).memoryLimit(MIB);
    }

    /** The two allocator variants, for parameterized tests. */
    enum Variant {
        SHARED(SlabAllocator.Builder::buildShared),
        CONFINED(SlabAllocator.Builder::buildConfined);

        private final Function<SlabAllocator.Builder, SlabAllocator> build;

        Variant(Function<SlabAllocator.Builder, SlabAllocator> build) {
            this.build = build;
        }

        SlabAllocator build(SlabAllocator.Builder b) {
            return build.apply(b);
        }
    }

    // ------------------------------------------------------------------ patterns

    static long mix(long z) { // SplitMix64 finaliser
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A pattern key unique to (owner thread, handle, sequence). */
    static long key(long thread, long handle, long seq) {
        return mix(mix(mix(thread) ^ handle) ^ seq);
    }

    /** Writes the pattern of {@code key} over bytes [0, size) of the chunk of {@code handle}. */
    static void fill(SlabAllocator a, long handle, long size, long key) {
        MemorySegment seg = a.segment(handle);
        long base = a.offset(handle);
        long words = size >>> 3;
        for (long i = 0; i < words; i++) {
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, base + (i << 3), mix(key + i));
        }
        for (long i = words << 3; i < size; i++) {
            seg.set(ValueLayout.JAVA_BYTE, base + i, (byte) mix(key + i));
        }
    }

    /**
     * Returns -1 if bytes [0, size) of the chunk hold the pattern of {@code key}, else the offset
     * (inside the chunk) of the first byte that differs.
     */
    static long firstMismatch(SlabAllocator a, long handle, long size, long key) {
        MemorySegment seg = a.segment(handle);
        long base = a.offset(handle);
        long words = size >>> 3;
        for (long i = 0; i < words; i++) {
            if (seg.get(ValueLayout.JAVA_LONG_UNALIGNED, base + (i << 3)) != mix(key + i)) {
                return i << 3;
            }
        }
        for (long i = words << 3; i < size; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, base + i) != (byte) mix(key + i)) {
                return i;
            }
        }
        return -1;
    }

    static void assertPattern(SlabAllocator a, long handle, long size, long key) {
        long bad = firstMismatch(a, handle, size, key);
        if (bad >= 0) {
            throw new AssertionError("chunk " + handle + " (page " + (handle >>> a.pageShift()) + ", offset "
                    + a.offset(handle) + ", size " + size + ") was clobbered at byte " + bad);
        }
    }

    /** The absolute address of a chunk, for overlap checks. */
    static long address(SlabAllocator a, long handle) {
        return a.segment(handle).address() + a.offset(handle);
    }
}
