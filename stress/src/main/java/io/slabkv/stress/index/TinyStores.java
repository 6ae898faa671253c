package io.slabkv.stress.index;

import io.slabkv.SlabKV;
import io.slabkv.engine.index.KeyHash;
import io.slabkv.engine.index.OffHeapIndex;
import io.slabkv.stress.pool.RegionPool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Stores small enough to build one per jcstress sample, keys chosen to collide in them, and the
 * checks the index tests make.
 *
 * <p>Every store is built for {@value #EXPECTED} expected entries, which gives an index of
 * {@link #BUCKETS} buckets of seven slots: small enough that a handful of keys fills a key's home
 * bucket and pushes later inserts into the next one. The keys are {@code long}s picked by their home
 * bucket, so a test names the bucket layout it builds (see {@link #keysHomedAt}).
 *
 * <p>Values are uniform byte patterns: every byte of value {@code v} is {@code v}. A reader that gets
 * a value can tell a complete one from a mix of two, or from another key's.
 */
final class TinyStores {

    static final long EXPECTED = 16;
    /**
     * An index shaped like every test store's (4 buckets), never used for entries: its
     * {@link OffHeapIndex#home} places the test keys, so they collide where the stores' own probes do.
     */
    private static final OffHeapIndex GEOMETRY = OffHeapIndex.create(EXPECTED, false);
    static final long BUCKETS = GEOMETRY.buckets();
    /** The bucket the tests crowd. Not the last one, so its overflow goes to bucket 2, not around to 0. */
    static final long HOME = 1;
    /** Where {@link #ballast} tombstones go: off every probe the tests walk. */
    static final long BALLAST_BUCKET = 3;
    /** Keys for {@link #ballast}. */
    static final long[] BALLAST = keysHomedAt(BALLAST_BUCKET, 4, 900_000);
    /** What {@link #valueOf} reports for a missing key, and for a value that is not uniform. */
    static final int ABSENT = 0, MIXED = -1, WRONG_LENGTH = -2;

    private static final ValueLayout.OfLong KEY = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private TinyStores() {
    }

    /**
     * A shared store as small as the engine allows: 4 MiB limit, 64 KiB pages, 256 KiB regions from
     * the {@link RegionPool}. The maximum limit is the limit: the allocator sizes its per-page tables
     * by it, and the default (4 GiB) costs 2 MB of heap per store. No background monitor: a thread
     * per sample would cost more than the sample, and the tests run maintenance where they mean it to
     * race, with {@link SlabKV#maintain()}. Measured on a loaded 2-CPU box, JDK 25: opening such a store,
     * putting one entry and closing it takes 25 to 40 us (50 to 130 us with the default page source);
     * a test's whole state, setup and close, 40 to 100 us.
     */
    static SlabKV open() {
        return SlabKV.builder()
                .memoryLimit(4 << 20)
                .maxMemoryLimit(4 << 20)
                .expectedEntries(EXPECTED)
                .pageSize(64 << 10)
                .regionSize(256 << 10)
                .pageSource(RegionPool.INSTANCE)
                .backgroundMonitor(false)
                .build();
    }

    /**
     * Puts and removes {@code keys} (homed at {@link #BALLAST_BUCKET}, away from the tests' probes):
     * tombstones that only count. Maintenance cleans tombstones once they fill an eighth of the index
     * (more than 3 of its 28 slots), so a test that wants its few tombstones cleaned adds these.
     */
    static void ballast(SlabKV kv, long[] keys, MemorySegment value) {
        for (long k : keys) {
            kv.put(k, value);
        }
        for (long k : keys) {
            kv.remove(k);
        }
    }

    /** The bucket a test store's probe for {@code key} starts at. */
    static long home(long key) {
        return GEOMETRY.home(KeyHash.hash(key));
    }

    /** The first {@code n} keys at or above {@code from} whose home bucket is {@code bucket}. */
    static long[] keysHomedAt(long bucket, int n, long from) {
        long[] keys = new long[n];
        int found = 0;
        for (long k = from; found < n; k++) {
            if (home(k) == bucket) {
                keys[found++] = k;
            }
        }
        return keys;
    }

    /** A value of {@code length} bytes, every one of them {@code version}. */
    static MemorySegment value(int version, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) version);
        return MemorySegment.ofArray(bytes).asReadOnly();
    }

    /**
     * Gets {@code key} into {@code dst} and says what it found: {@link #ABSENT}; the version of a
     * complete uniform value of {@code length} bytes; {@link #MIXED} when its bytes differ;
     * {@link #WRONG_LENGTH} when the length is not {@code length}.
     */
    static int valueOf(SlabKV kv, long key, MemorySegment dst, int length) {
        int n = kv.get(key, dst);
        if (n == SlabKV.MISS) {
            return ABSENT;
        }
        return classify(dst, n, length);
    }

    /** What {@link #valueOf} reports for the {@code n} bytes at the start of {@code dst}. */
    static int classify(MemorySegment dst, int n, int length) {
        if (n != length) {
            return WRONG_LENGTH;
        }
        byte first = dst.get(ValueLayout.JAVA_BYTE, 0);
        for (long i = 1; i < n; i++) {
            if (dst.get(ValueLayout.JAVA_BYTE, i) != first) {
                return MIXED;
            }
        }
        return first;
    }

    /** Slots holding {@code key}: walks every live entry, so a duplicate counts twice. */
    static int copies(SlabKV kv, long key) {
        int[] n = new int[1];
        kv.forEach((k, v) -> {
            if (k.byteSize() == Long.BYTES && k.get(KEY, 0) == key) {
                n[0]++;
            }
        });
        return n[0];
    }

    /** Whether exactly {@code present} are in the store and none of {@code absent} is. */
    static boolean holdsExactly(SlabKV kv, long[] present, long[] absent) {
        for (long k : present) {
            if (!kv.containsKey(k)) {
                return false;
            }
        }
        for (long k : absent) {
            if (kv.containsKey(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@link SlabKV#maintain()} until the store has no tombstone left: the cleaner marks them,
     * the reclaimer moves the epoch past the grace period, the cleaner empties them.
     */
    static void cleanAll(SlabKV kv) {
        for (int i = 0; kv.stats().tombstones() > 0; i++) {
            if (i == 16) {
                throw new IllegalStateException("tombstones not cleaned after 16 maintenance rounds: " + kv.stats());
            }
            kv.maintain();
        }
    }

    /** Throws unless the store's index holds {@code tombstones} tombstone or CLEANING slots. */
    static void expectTombstones(SlabKV kv, long tombstones) {
        long t = kv.stats().tombstones();
        if (t != tombstones) {
            throw new IllegalStateException("setup expected " + tombstones + " tombstones, the index has " + t);
        }
    }
}
