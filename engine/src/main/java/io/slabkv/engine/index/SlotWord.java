package io.slabkv.engine.index;

/**
 * The layout of an index slot: one 8-byte word.
 *
 * <pre>
 *  63            48 47                                              0
 * +----------------+-------------------------------------------------+
 * |  tag (16 bits) |  entry reference: chunk handle / 8 (48 bits)    |   tag != 0: FULL
 * +----------------+-------------------------------------------------+
 * |       0        |  0 = EMPTY, 1 = TOMBSTONE, 2 = CLEANING         |   tag == 0: a marker
 * +----------------+-------------------------------------------------+
 * </pre>
 *
 * The tag is the low 16 bits of the key's hash, forced non-zero, so a probe settles all but
 * 1 in 65,535 mismatches without touching the entry. It must not be the top bits: the home bucket
 * is a multiply-high of the hash by the bucket count ({@link OffHeapIndex#home}), which is decided
 * by the top bits, so every key of a bucket would share a top-bits tag, and each probe compared
 * its key with every entry of the bucket (seven cache misses in the pages: a 1M-entry get cost
 * 510 ns of CPU instead of 60 ns). Chunk handles are 8-byte aligned, so {@code handle >>> 3}
 * loses nothing; 48 bits of it address 2 PiB.
 * <ul>
 *   <li>EMPTY: free; an insert may claim it.</li>
 *   <li>TOMBSTONE: a removed entry; never claimed by an insert.</li>
 *   <li>CLEANING: a tombstone the cleaner means to turn back into EMPTY after a grace period;
 *       an insert that walks past it cancels it (back to TOMBSTONE).</li>
 * </ul>
 */
public final class SlotWord {

    public static final long EMPTY = 0L;
    public static final long TOMBSTONE = 1L;
    public static final long CLEANING = 2L;
    private static final int TAG_SHIFT = 48;
    private static final long REF_MASK = (1L << TAG_SHIFT) - 1;
    private static final long TAG_MASK = 0xFFFF;

    private SlotWord() {
    }

    /** The tag of a hash: its low 16 bits (independent of the home bucket), never 0. */
    public static long tag(long hash) {
        long t = hash & TAG_MASK;
        return t == 0 ? 1 : t;
    }

    public static long full(long tag, long handle) {
        return (tag << TAG_SHIFT) | (handle >>> 3);
    }

    public static boolean isFull(long word) {
        return (word >>> TAG_SHIFT) != 0;
    }

    public static long tagOf(long word) {
        return word >>> TAG_SHIFT;
    }

    public static long handle(long word) {
        return (word & REF_MASK) << 3;
    }
}
