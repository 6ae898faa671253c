package io.slabkv.engine.index;

import io.slabkv.arena.ConfinedArenaPageSource;
import io.slabkv.arena.PageSource;
import io.slabkv.arena.Region;
import io.slabkv.arena.SharedArenaPageSource;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * The off-heap open-addressing table: buckets of one 64-byte cache line each, a control word and
 * seven {@link SlotWord slots}.
 *
 * <pre>
 *  bucket b, at byte b * 64:
 *  +----------------+--------+--------+--------+--------+--------+--------+--------+
 *  | overflow count | slot 1 | slot 2 | slot 3 | slot 4 | slot 5 | slot 6 | slot 7 |
 *  +----------------+--------+--------+--------+--------+--------+--------+--------+
 *    8 bytes          8 bytes each
 * </pre>
 *
 * A key's probe starts at the bucket its hash maps to (a multiply-high range reduction, so any
 * bucket count works) and walks bucket by bucket, wrapping at the end. The <em>overflow count</em>
 * of a bucket is the number of keys whose probe passed it to live in a later bucket (as in F14 and
 * SwissTable): a lookup that has not found its key by the end of a bucket whose count is zero is
 * a miss. So the end of a probe does not depend on EMPTY slots, and any tombstone can be emptied.
 *
 * <p>The rules that keep it lock-free and free of duplicate keys (the reasoning is in the store):
 * <ol>
 *   <li>Slots change only by CAS: EMPTY &rarr; FULL (insert), FULL &rarr; FULL (replace),
 *       FULL &rarr; TOMBSTONE (remove), and the cleaner's TOMBSTONE &rarr; CLEANING &rarr; EMPTY,
 *       or an inserter's CLEANING &rarr; TOMBSTONE.</li>
 *   <li>An insert raises the overflow counts of the buckets it passes <em>before</em> the CAS that
 *       links its entry; a remove lowers them <em>after</em> the CAS that unlinks it.</li>
 *   <li>Inserts claim only EMPTY slots, never tombstones; a slot becomes EMPTY again only through
 *       the {@link TombstoneCleaner}, after a grace period no inserter spans.</li>
 * </ol>
 * The table is one region of the store's {@link PageSource} (so an mmap source with transparent huge
 * pages backs the index too: a get's first cache miss is in the index), zeroed here (all EMPTY, all
 * counts 0), and released on {@link #close()}.
 */
public final class OffHeapIndex implements AutoCloseable {

    /** Bytes per bucket: one cache line. */
    public static final int BUCKET_BYTES = 64;
    /** Slots per bucket; the first word is the overflow count. */
    public static final int BUCKET_SLOTS = 7;
    /** The highest share of slots the expected entries may fill. */
    public static final double LOAD_FACTOR = 0.75;
    private static final long RESERVE_UNIT = 4096;
    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();

    private final Region region;
    private final MemorySegment table;
    private final long buckets;
    /** Slots that hold a TOMBSTONE or CLEANING marker (striped: removes are frequent). */
    final LongAdder tombstones = new LongAdder();

    private OffHeapIndex(Region region, long buckets) {
        this.region = region;
        this.buckets = buckets;
        // A page source hands out zero-or-garbage memory: an EMPTY table is all zero bytes.
        this.table = region.memory().asSlice(0, buckets * BUCKET_BYTES).fill((byte) 0);
    }

    /** The number of buckets an index for {@code expectedEntries} gets. */
    public static long bucketsFor(long expectedEntries) {
        return Math.max(2, (long) Math.ceil(expectedEntries / (LOAD_FACTOR * BUCKET_SLOTS)));
    }

    /**
     * The bytes an index for {@code expectedEntries} reserves: its buckets, rounded up to whole
     * 4 KiB pages (an mmap source maps only multiples of the OS page). What the memory limit counts.
     */
    public static long bytesFor(long expectedEntries) {
        return Math.ceilDiv(bucketsFor(expectedEntries) * BUCKET_BYTES, RESERVE_UNIT) * RESERVE_UNIT;
    }

    /** An index on the default shared or confined arena source (tests and tools). */
    public static OffHeapIndex create(long expectedEntries, boolean confined) {
        return create(expectedEntries, confined ? ConfinedArenaPageSource.INSTANCE : SharedArenaPageSource.INSTANCE);
    }

    /** An index in one region of {@code source}, sized for {@code expectedEntries}. */
    public static OffHeapIndex create(long expectedEntries, PageSource source) {
        long buckets = bucketsFor(expectedEntries);
        Region region = source.reserve(bytesFor(expectedEntries), BUCKET_BYTES);
        try {
            return new OffHeapIndex(region, buckets);
        } catch (OutOfMemoryError | RuntimeException e) {
            region.release();
            throw e;
        }
    }

    public long buckets() {
        return buckets;
    }

    /** Slots for entries (control words not counted). */
    public long capacity() {
        return buckets * BUCKET_SLOTS;
    }

    /** Bytes reserved for the table ({@link #bytesFor}): the buckets, rounded up to 4 KiB pages. */
    public long byteSize() {
        return region.memory().byteSize();
    }

    /** The bucket a probe for {@code hash} starts at. */
    public long home(long hash) {
        return Math.unsignedMultiplyHigh(hash, buckets);
    }

    /** The bucket after {@code b}, wrapping at the end. */
    public long next(long b) {
        return ++b == buckets ? 0 : b;
    }

    /** The byte offset of slot {@code s} (1..7) of bucket {@code b}: the name of a slot. */
    public static long slot(long b, int s) {
        return b * BUCKET_BYTES + (long) s * Long.BYTES;
    }

    /** The bucket a slot offset belongs to. */
    public static long bucketOf(long slot) {
        return slot / BUCKET_BYTES;
    }

    /**
     * Load-acquire of a slot: when it returns a FULL word, the entry that word names was completely
     * written before (the CAS that stored the word released it).
     */
    public long laSlot(long slot) {
        return (long) WORD.getAcquire(table, slot);
    }

    /**
     * The slots of bucket {@code b} whose tag is {@code tag}, as a bit set: bit {@code s} (1..7) for
     * slot {@code s}. Computed without a branch, so the CPU never guesses which slot matches.
     * <p>
     * Why: a probe that tests slot after slot exits its loop at a random slot, a branch the
     * predictor misses about once per get, and that branch waits for the bucket's cache miss. A
     * mispredict throws away everything the core ran ahead on, including the next get's loads, so
     * gets on a table larger than the cache could never overlap their misses. Here the seven loads
     * are independent and their comparison is arithmetic; the caller branches only on "none"
     * (predictable: mostly hits, or mostly misses) and on a second match (1 in 9,000 probes).
     * <p>
     * Plain loads, then an acquire fence: every later read (the entry a matching word names) is
     * ordered after them, as with {@link #laSlot}. The caller re-reads the slot it picks with
     * {@link #laSlot}; the word may have changed in between, and the caller checks its tag again.
     */
    public int matchTag(long b, long tag) {
        long base = b * BUCKET_BYTES;
        MemorySegment t = table;
        // (word >>> 48) ^ tag is 0 exactly for a match; 0 - 1 is the only negative difference.
        long m = ((((long) WORD.get(t, base + 8) >>> 48 ^ tag) - 1) >>> 63) << 1
                | ((((long) WORD.get(t, base + 16) >>> 48 ^ tag) - 1) >>> 63) << 2
                | ((((long) WORD.get(t, base + 24) >>> 48 ^ tag) - 1) >>> 63) << 3
                | ((((long) WORD.get(t, base + 32) >>> 48 ^ tag) - 1) >>> 63) << 4
                | ((((long) WORD.get(t, base + 40) >>> 48 ^ tag) - 1) >>> 63) << 5
                | ((((long) WORD.get(t, base + 48) >>> 48 ^ tag) - 1) >>> 63) << 6
                | ((((long) WORD.get(t, base + 56) >>> 48 ^ tag) - 1) >>> 63) << 7;
        VarHandle.acquireFence();
        return (int) m;
    }

    /** CAS of a slot, with volatile semantics: publishes everything written before it. */
    public boolean casSlot(long slot, long expect, long update) {
        return WORD.compareAndSet(table, slot, expect, update);
    }

    /** Load-acquire of bucket {@code b}'s overflow count. */
    public long laOverflow(long b) {
        return (long) WORD.getAcquire(table, b * BUCKET_BYTES);
    }

    /**
     * Adds {@code delta} to the overflow count of every bucket from {@code from} up to, not
     * including, {@code to}. Atomic adds: a raise is visible before the caller's linking CAS.
     */
    public void addOverflow(long from, long to, long delta) {
        for (long b = from; b != to; b = next(b)) {
            WORD.getAndAdd(table, b * BUCKET_BYTES, delta);
        }
    }

    /** Counts a slot that just became a tombstone. */
    public void tombstoneAdded() {
        tombstones.increment();
    }

    public long tombstones() {
        return tombstones.sum();
    }

    @Override
    public void close() {
        region.release();
    }
}
