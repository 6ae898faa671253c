package io.slabkv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabkv.engine.store.Store;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The specification both stores meet, run by {@link SharedStoreTest} and {@link ConfinedStoreTest}
 * (one abstract spec, one subclass per variant, as in JCTools). Every test here runs on the test
 * thread; what differs between the variants (threads, reclamation) lives in the subclasses, and the
 * concurrent hazards in {@link ConcurrentStoreTest}.
 *
 * <p>Stores are built with the background monitor off, so what a test sees follows from its own
 * calls (the shared store's monitor runs in {@link SharedStoreTest} and {@link ConcurrentStoreTest}).
 */
abstract class StoreSpec {

    static final int PAGE = 64 << 10;
    /** The region of {@link #builder()}: 16 pages, also the largest entry (a run of pages). */
    static final int REGION = 16 * PAGE;

    private final List<SlabKV> opened = new ArrayList<>();

    /** Makes {@code b} build the variant under test. */
    abstract SlabKV.Builder variant(SlabKV.Builder b);

    /** Small pages and regions, so memory limits of a few pages can be tested; no background monitor. */
    final SlabKV.Builder builder() {
        return variant(SlabKV.builder().memoryLimit(4 << 20).expectedEntries(1024).pageSize(PAGE)
                .regionSize(REGION).backgroundMonitor(false));
    }

    final SlabKV open(SlabKV.Builder b) {
        SlabKV kv = b.build();
        opened.add(kv);
        return kv;
    }

    final SlabKV open() {
        return open(builder());
    }

    @AfterEach
    final void closeAll() {
        opened.forEach(SlabKV::close);
    }

    // ------------------------------------------------------------------ helpers

    static MemorySegment text(String s) {
        return MemorySegment.ofArray(s.getBytes(UTF_8));
    }

    /** A value whose bytes depend on {@code tag}, so one key's value never equals another's. */
    static byte[] valueBytes(int length, long tag) {
        byte[] v = new byte[length];
        new Random(tag * 31 + length).nextBytes(v);
        return v;
    }

    static MemorySegment value(int length, long tag) {
        return MemorySegment.ofArray(valueBytes(length, tag));
    }

    static byte[] littleEndian(long key) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, key).array();
    }

    /** The value of {@code key}, or null, through the zero-allocation overload. */
    static byte[] read(SlabKV kv, MemorySegment key) {
        MemorySegment dst = MemorySegment.ofArray(new byte[PAGE]);
        int n = kv.get(key, dst);
        if (n > dst.byteSize()) { // a run of pages: read again with room for it
            dst = MemorySegment.ofArray(new byte[n]);
            n = kv.get(key, dst);
        }
        return n == SlabKV.MISS ? null : dst.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Buckets of 64 bytes for a 0.75 load of 7 slots each, reserved in whole 4 KiB pages. */
    static long indexBytes(long expectedEntries) {
        long buckets = Math.max(2, (long) Math.ceil(expectedEntries / (0.75 * 7)));
        return Math.ceilDiv(buckets * 64, 4096) * 4096;
    }

    static Store store(SlabKV kv) {
        return (Store) kv;
    }

    // ================================================================== the model

    /**
     * Seeds and shapes: {expected entries, share of the index's slots the key space fills, where the
     * clock starts}. Eight expected entries give a two-bucket index of 14 slots; 64 give 13 buckets
     * and 91 slots. Every key space is bigger than a bucket's 7 slots, and at most 90 % of the slots:
     * above that the monitor evicts to keep probes short, which the model does not predict. Removed
     * keys leave tombstones in the rest, so the tables still run out of EMPTY slots. One run uses a
     * fresh seed each time (printed on failure, like every other).
     */
    static Stream<Arguments> modelRuns() {
        long fresh = System.nanoTime();
        return Stream.of(
                Arguments.of(1L, 8, 0.9, 0L),
                Arguments.of(2L, 13, 0.85, -1_000L),
                Arguments.of(3L, 24, 0.9, Long.MAX_VALUE - 2_000_000L), // the clock wraps during the run
                Arguments.of(4L, 40, 0.75, 123_456_789L),
                Arguments.of(5L, 64, 0.9, Long.MIN_VALUE),
                Arguments.of(fresh, 8 + (int) Math.floorMod(fresh, 57L), 0.7 + Math.floorMod(fresh, 21L) / 100.0,
                        fresh * 7919));
    }

    @ParameterizedTest(name = "seed {0}: {1} expected entries, key space {2} of the slots, clock from {3}")
    @MethodSource("modelRuns")
    void randomOperationsAgreeWithAHashMap(long seed, int expectedEntries, double fill, long clockOrigin) {
        ManualClock clock = new ManualClock(clockOrigin);
        // maxIndexLoad(0.95): key spaces up to 0.9 of the slots, so tiny tables force collisions
        // and slot reuse; the default mark (0.80) would evict, and the model has no evictions.
        SlabKV kv = open(builder().expectedEntries(expectedEntries).memoryLimit(8 << 20).timeSource(clock)
                .maxIndexLoad(0.95));
        int slots = (int) kv.stats().indexSlots();
        int keySpace = Math.max(8, (int) (slots * fill));
        new ModelCheck(kv, clock, seed, keySpace).run(100_000);
    }

    // ================================================================== get

    @Test
    void getReturnsMissOrTheLengthAndCopiesNothingIntoATooSmallDestination() {
        SlabKV kv = open();
        byte[] v = valueBytes(100, 1);
        MemorySegment key = text("order:17");
        byte[] dst = new byte[150];
        Arrays.fill(dst, (byte) 7);

        assertEquals(SlabKV.MISS, kv.get(key, MemorySegment.ofArray(dst)));
        assertTrue(untouched(dst, 0, 150, (byte) 7), "a miss copies nothing");

        kv.put(key, MemorySegment.ofArray(v));
        assertEquals(100, kv.get(key, MemorySegment.ofArray(dst)));
        assertArrayEquals(v, Arrays.copyOf(dst, 100));
        assertTrue(untouched(dst, 100, 150, (byte) 7), "nothing past the value's length is written");

        byte[] exact = new byte[100];
        assertEquals(100, kv.get(key, MemorySegment.ofArray(exact)));
        assertArrayEquals(v, exact);

        byte[] small = new byte[99];
        Arrays.fill(small, (byte) 9);
        assertEquals(100, kv.get(key, MemorySegment.ofArray(small)), "too small: the length needed");
        assertTrue(untouched(small, 0, 99, (byte) 9), "too small: nothing copied");
        assertEquals(100, kv.get(key, MemorySegment.ofArray(new byte[0])));

        // A slice of a larger segment: only the slice is written.
        byte[] big = new byte[300];
        Arrays.fill(big, (byte) 3);
        assertEquals(100, kv.get(key, MemorySegment.ofArray(big).asSlice(50, 120)));
        assertArrayEquals(v, Arrays.copyOfRange(big, 50, 150));
        assertTrue(untouched(big, 0, 50, (byte) 3) && untouched(big, 150, 300, (byte) 3));

        // Native destination, and the byte[] overloads.
        MemorySegment nativeDst = Arena.ofAuto().allocate(100);
        assertEquals(100, kv.get(key, nativeDst));
        assertArrayEquals(v, nativeDst.toArray(ValueLayout.JAVA_BYTE));
        assertArrayEquals(v, kv.get("order:17".getBytes(UTF_8)));
        assertNull(kv.get("order:18".getBytes(UTF_8)));
        assertEquals(SlabKV.MISS, kv.get("order:18".getBytes(UTF_8), new byte[10]));

        StoreStats s = kv.stats();
        assertEquals(7, s.hits(), "a get that finds the key counts as a hit, also when the destination is too small");
        assertEquals(3, s.misses());
    }

    @Test
    void anEmptyValueIsAValue() {
        SlabKV kv = open();
        kv.put(text("k"), MemorySegment.ofArray(new byte[0]));
        assertEquals(0, kv.get(text("k"), MemorySegment.ofArray(new byte[0])));
        assertEquals(0, kv.get(text("k"), MemorySegment.ofArray(new byte[4])));
        assertArrayEquals(new byte[0], kv.get("k".getBytes(UTF_8)));
        assertTrue(kv.containsKey(text("k")));
        assertEquals(1, kv.size());
        assertFalse(kv.putIfAbsent(text("k"), value(5, 1)));
        assertTrue(kv.replace(text("k"), MemorySegment.ofArray(new byte[0])));
        assertTrue(kv.remove(text("k")));
    }

    static boolean untouched(byte[] a, int from, int to, byte fill) {
        for (int i = from; i < to; i++) {
            if (a[i] != fill) {
                return false;
            }
        }
        return true;
    }

    // ================================================================== TTL

    @Test
    void anExpiredEntryIsAMissForEveryOperation() {
        ManualClock clock = new ManualClock(1_000);
        SlabKV kv = open(builder().timeSource(clock));
        MemorySegment dst = MemorySegment.ofArray(new byte[64]);
        kv.put(text("a"), value(10, 1), 100, TimeUnit.NANOSECONDS);
        kv.put(7L, value(10, 2), 100, TimeUnit.NANOSECONDS);
        kv.put("c".getBytes(UTF_8), valueBytes(10, 3), 100, TimeUnit.NANOSECONDS);
        kv.put(text("d"), value(10, 4), 100, TimeUnit.NANOSECONDS);
        kv.put(text("forever"), value(10, 5));

        clock.advance(99);
        assertEquals(10, kv.get(text("a"), dst), "alive until its deadline");
        assertTrue(kv.containsKey(7L));
        assertEquals(5, countVisited(kv));

        clock.advance(1); // now == the deadline: expired
        assertEquals(SlabKV.MISS, kv.get(text("a"), dst));
        assertEquals(SlabKV.MISS, kv.get(7L, dst));
        assertNull(kv.get("c".getBytes(UTF_8)));
        assertFalse(kv.containsKey(text("a")));
        assertFalse(kv.containsKey(7L));
        assertFalse(kv.containsKey("c".getBytes(UTF_8)));
        assertEquals(1, countVisited(kv), "forEach skips expired entries");
        assertEquals(10, kv.get(text("forever"), dst));

        assertFalse(kv.replace(text("a"), value(10, 6)), "replace needs a live entry");
        assertEquals(SlabKV.MISS, kv.get(text("a"), dst), "a failed replace did not revive it");
        assertFalse(kv.replace(7L, value(10, 6)));

        assertTrue(kv.putIfAbsent(text("a"), value(12, 7)), "putIfAbsent succeeds over an expired entry");
        assertArrayEquals(valueBytes(12, 7), read(kv, text("a")));
        assertTrue(kv.putIfAbsent(7L, value(12, 8)));
        assertEquals(12, kv.get(7L, dst));

        assertFalse(kv.remove("c".getBytes(UTF_8)), "removing an expired entry removes nothing live");
        assertFalse(kv.remove("c".getBytes(UTF_8)));

        kv.put(text("d"), value(11, 9)); // a put over an expired entry
        assertArrayEquals(valueBytes(11, 9), read(kv, text("d")));

        clock.advance(1L << 40); // entries written without a TTL never expire
        assertEquals(12, kv.get(text("a"), dst));
        assertEquals(12, kv.get(7L, dst));
        assertEquals(11, kv.get(text("d"), dst));

        StoreStats s = kv.stats();
        assertEquals(4, s.expirations(), "putIfAbsent x2, remove and put each took an expired entry out: " + s);
        assertEquals(4, kv.size(), "a, 7, d and forever");
        assertEquals(0, s.removes(), "removing an expired entry is an expiration, not a remove");
    }

    @Test
    void aTtlRestartsWithEveryPutAndEndsWithAPutWithoutOne() {
        ManualClock clock = new ManualClock(0);
        SlabKV kv = open(builder().timeSource(clock));
        MemorySegment dst = MemorySegment.ofArray(new byte[16]);
        kv.put(1L, value(8, 1), 10, TimeUnit.MICROSECONDS);
        clock.advance(9_000);
        kv.put(1L, value(8, 2), 10, TimeUnit.MICROSECONDS);
        clock.advance(9_000);
        assertEquals(8, kv.get(1L, dst), "the second put's TTL counts from the second put");
        kv.put(1L, value(8, 3));
        clock.advance(1_000_000);
        assertEquals(8, kv.get(1L, dst), "a put without a TTL made the entry permanent");
        kv.put(1L, value(8, 4), 1, TimeUnit.SECONDS);
        assertTrue(kv.replace(1L, value(8, 5)));
        clock.advance(2_000_000_000L);
        assertEquals(8, kv.get(1L, dst), "replace writes an entry without a TTL");
    }

    /** A TimeSource may start anywhere: a deadline past Long.MAX_VALUE wraps, like System.nanoTime(). */
    @Test
    void deadlinesWorkAcrossTheClocksWrap() {
        ManualClock clock = new ManualClock(Long.MAX_VALUE - 50);
        SlabKV kv = open(builder().timeSource(clock));
        kv.put(text("k"), value(4, 1), 100, TimeUnit.NANOSECONDS);
        kv.put(text("hour"), value(4, 2), 1, TimeUnit.HOURS);
        clock.advance(99);
        assertTrue(kv.containsKey(text("k")), "alive 99 ns into a 100 ns TTL, after the clock wrapped");
        clock.advance(1);
        assertFalse(kv.containsKey(text("k")));
        assertTrue(kv.containsKey(text("hour")));
        clock.advance(TimeUnit.HOURS.toNanos(1));
        assertFalse(kv.containsKey(text("hour")));
    }

    static int countVisited(SlabKV kv) {
        int[] n = {0};
        kv.forEach((k, v) -> n[0]++);
        return n[0];
    }

    // ================================================================== long keys

    @Test
    void aLongKeyIsItsEightLittleEndianBytes() {
        SlabKV kv = open();
        long[] keys = {0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x0102_0304_0506_0708L};
        for (int i = 0; i < keys.length; i++) {
            kv.put(keys[i], value(20, i));
        }
        for (int i = 0; i < keys.length; i++) {
            byte[] le = littleEndian(keys[i]);
            assertArrayEquals(valueBytes(20, i), read(kv, MemorySegment.ofArray(le)), "key " + keys[i]);
            assertArrayEquals(valueBytes(20, i), kv.get(le));
            assertTrue(kv.containsKey(le));
        }
        // Big-endian bytes of 0x0102030405060708 are another key.
        byte[] be = ByteBuffer.allocate(8).putLong(0x0102_0304_0506_0708L).array();
        assertNull(kv.get(be));

        // Put by bytes, read by long; remove by long what was put by bytes, and the reverse.
        kv.put(MemorySegment.ofArray(littleEndian(42L)), value(9, 42));
        MemorySegment dst = MemorySegment.ofArray(new byte[9]);
        assertEquals(9, kv.get(42L, dst));
        assertArrayEquals(valueBytes(9, 42), dst.toArray(ValueLayout.JAVA_BYTE));
        assertFalse(kv.putIfAbsent(42L, value(9, 1)), "the byte key is present for the long key");
        assertTrue(kv.replace(42L, value(9, 43)));
        assertArrayEquals(valueBytes(9, 43), kv.get(littleEndian(42L)));
        assertTrue(kv.remove(42L));
        assertFalse(kv.containsKey(littleEndian(42L)));
        assertTrue(kv.remove(littleEndian(Long.MIN_VALUE)));
        assertFalse(kv.containsKey(Long.MIN_VALUE));
        assertEquals(keys.length - 1, kv.size(), "one entry per key, whichever form wrote it");

        // forEach hands out a long key as its 8 little-endian bytes.
        Map<ByteBuffer, byte[]> seen = new HashMap<>();
        kv.forEach((k, v) -> seen.put(ByteBuffer.wrap(k.toArray(ValueLayout.JAVA_BYTE)), v.toArray(ValueLayout.JAVA_BYTE)));
        assertArrayEquals(valueBytes(20, 5), seen.get(ByteBuffer.wrap(littleEndian(0x0102_0304_0506_0708L))));
    }

    // ================================================================== forEach, clear

    @Test
    void forEachVisitsExactlyTheLiveEntriesOnce() {
        ManualClock clock = new ManualClock(0);
        SlabKV kv = open(builder().timeSource(clock));
        Map<ByteBuffer, byte[]> expected = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            byte[] k = ("key-" + i + "-" + "x".repeat(i % 37)).getBytes(UTF_8);
            byte[] v = valueBytes(i % 250, i);
            if (i % 5 == 0) {
                kv.put(k, v, 50, TimeUnit.NANOSECONDS); // expires below
            } else {
                kv.put(k, v);
                if (i % 7 == 0) {
                    assertTrue(kv.remove(k));
                } else {
                    expected.put(ByteBuffer.wrap(k), v);
                }
            }
        }
        clock.advance(50);
        Map<ByteBuffer, byte[]> seen = new HashMap<>();
        kv.forEach((k, v) -> {
            assertTrue(k.isReadOnly() && v.isReadOnly(), "the views are read-only");
            byte[] previous = seen.put(ByteBuffer.wrap(k.toArray(ValueLayout.JAVA_BYTE)), v.toArray(ValueLayout.JAVA_BYTE));
            assertNull(previous, "visited twice");
        });
        assertEquals(expected.keySet(), seen.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, seen.get(k)));
    }

    @Test
    void clearEmptiesTheStore() {
        SlabKV kv = open();
        for (int i = 0; i < 500; i++) {
            kv.put(i, value(i % 300, i));
        }
        kv.clear();
        assertEquals(0, kv.size());
        assertEquals(0, countVisited(kv));
        for (int i = 0; i < 500; i++) {
            assertFalse(kv.containsKey(i));
        }
        StoreStats s = kv.stats();
        assertEquals(0, s.entries());
        assertEquals(s.indexBytes(), s.bytesUsed(), "clear gave back every chunk: " + s);
        for (int i = 0; i < 500; i++) {
            kv.put(i, value(10, -i));
        }
        assertEquals(500, kv.size());
        assertArrayEquals(valueBytes(10, -499), read(kv, MemorySegment.ofArray(littleEndian(499))));
    }

    /**
     * After clear, the memory serves values of any size. Four pages beside the index: 1,000-byte
     * values fill them, clear gives them back, and 3,000-byte values must fill all four again with
     * nothing evicted (no page may stay with the first size class).
     */
    @Test
    void afterClearEveryPageServesAnotherValueSize() {
        int pages = 4;
        long limit = indexBytes(64) + (long) pages * PAGE;
        SlabKV kv = open(builder().expectedEntries(64).memoryLimit(limit));
        var classes = store(kv).allocator().sizeClasses();
        int small = fillWithoutEviction(kv, 0, 1_000, 8 + 8 + 1_000, pages, classes);
        kv.clear();
        assertEquals(0, kv.size());
        int bigPerPage = PAGE / classes.chunkSize(classes.classOf(8 + 8 + 3_000));
        int big = fillWithoutEviction(kv, 10_000, 3_000, 8 + 8 + 3_000, pages, classes);
        assertEquals((long) pages * bigPerPage, big, "after clear, every page holds the new size: " + kv.stats());
        assertTrue(small > big);
    }

    /** Puts distinct long keys with values of {@code length} until the pages hold as many as fit; no eviction. */
    private static int fillWithoutEviction(SlabKV kv, long firstKey, int length, int entryBytes, int pages,
                                           io.slabkv.arena.SizeClasses classes) {
        int perPage = PAGE / classes.chunkSize(classes.classOf(entryBytes));
        int n = pages * perPage;
        long evictedBefore = kv.stats().evictions();
        for (int i = 0; i < n; i++) {
            kv.put(firstKey + i, value(length, firstKey + i));
            StoreStats s = kv.stats();
            if (s.evictions() != evictedBefore) {
                return i; // the put that evicted did not find a free page
            }
            assertTrue(s.bytesReserved() <= s.memoryLimit(), s::toString);
        }
        for (int i = 0; i < n; i++) {
            assertArrayEquals(valueBytes(length, firstKey + i), read(kv, MemorySegment.ofArray(littleEndian(firstKey + i))));
        }
        return n;
    }

    // ================================================================== memory limit, index size

    /**
     * Past the memory limit a put evicts inline rather than fail: the limit is never exceeded, the
     * new value is always stored, and every entry that is still there holds its own value.
     */
    @Test
    void fillingPastTheLimitEvictsAndNeverExceedsIt() {
        long limit = indexBytes(4096) + 4L * PAGE;
        SlabKV kv = open(builder().expectedEntries(4096).memoryLimit(limit));
        int n = 3_000; // about 2.5 times what fits
        for (int i = 0; i < n; i++) {
            kv.put(i, value(200, i));
            assertArrayEquals(valueBytes(200, i), read(kv, MemorySegment.ofArray(littleEndian(i))),
                    "the put that evicted stored its own value");
            StoreStats s = kv.stats();
            assertTrue(s.bytesReserved() <= limit, () -> "over the limit after put " + s);
        }
        StoreStats s = kv.stats();
        assertTrue(s.evictionsInline() > 0, s::toString);
        assertEquals(n, s.puts());
        assertEquals(n - s.evictions(), kv.size(), "every put added one entry, every eviction took one: " + s);
        int present = 0;
        for (int i = 0; i < n; i++) {
            byte[] v = kv.get(littleEndian(i));
            if (v != null) {
                present++;
                assertArrayEquals(valueBytes(200, i), v, "key " + i);
            }
        }
        assertEquals(kv.size(), present);
    }

    /**
     * A value larger than a page takes a run of consecutive pages and behaves like any other under
     * every operation: get (segment, array), forEach, replace, remove, TTL, overwrite by a small
     * value and back; removing it gives its pages back to the pool.
     */
    @Test
    void aValueLargerThanAPageWorksUnderEveryOperationAndGivesItsPagesBack() {
        SlabKV kv = open();
        long usedEmpty = store(kv).allocator().usedBytes();
        int[] sizes = {PAGE - 8 - 8 + 1, 2 * PAGE + 3, 5 * PAGE, REGION - 8 - 8};
        for (int i = 0; i < sizes.length; i++) {
            kv.put(i, value(sizes[i], i));
            kv.put(100 + i, value(100, 100 + i)); // small neighbours, untouched by the runs
        }
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(valueBytes(sizes[i], i), read(kv, MemorySegment.ofArray(littleEndian(i))), "size " + sizes[i]);
            assertArrayEquals(valueBytes(sizes[i], i), kv.get(littleEndian(i)));
            assertArrayEquals(valueBytes(100, 100 + i), kv.get(littleEndian(100 + i)));
        }
        Map<Long, Integer> seen = new HashMap<>();
        kv.forEach((k, v) -> {
            long key = k.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            int expected = key < 100 ? sizes[(int) key] : 100;
            assertArrayEquals(valueBytes(expected, key), v.toArray(ValueLayout.JAVA_BYTE), "forEach key " + key);
            seen.merge(key, 1, Integer::sum);
        });
        assertEquals(2 * sizes.length, seen.size());
        assertTrue(kv.replace(1L, value(3 * PAGE + 5, 77)));
        assertArrayEquals(valueBytes(3 * PAGE + 5, 77), kv.get(littleEndian(1)));
        kv.put(2L, value(10, 78)); // large -> small
        assertArrayEquals(valueBytes(10, 78), kv.get(littleEndian(2)));
        kv.put(2L, value(4 * PAGE, 79), 1, TimeUnit.HOURS); // small -> large, with a TTL
        assertArrayEquals(valueBytes(4 * PAGE, 79), kv.get(littleEndian(2)));
        for (long key = 0; key < sizes.length; key++) {
            assertTrue(kv.remove(key), "key " + key);
            assertTrue(kv.remove(100 + key), "key " + (100 + key));
        }
        kv.maintain();
        store(kv).allocator().reclaim();
        store(kv).allocator().reclaim();
        assertEquals(usedEmpty, store(kv).allocator().usedBytes(), "every run went back: " + kv.stats());
    }

    /**
     * Past the limit, puts of random sizes up to five pages (runs among size-class chunks) evict to
     * make room, inline: the limit holds after every put, the put stores its own value, and every
     * entry still present holds its own bytes. A run needs consecutive pages, so room for it comes
     * from emptying a window of pages, whatever classes held them.
     */
    @Test
    void runsAndChunksPastTheLimitNeverExceedItAndKeepTheirBytes() {
        long limit = indexBytes(4096) + 2L * REGION;
        SlabKV kv = open(builder().expectedEntries(4096).memoryLimit(limit));
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        int n = 3_000;
        int[] size = new int[n];
        for (int i = 0; i < n; i++) {
            size[i] = rnd.nextInt(8) == 0 ? rnd.nextInt(PAGE, 5 * PAGE) : rnd.nextInt(1, 3000);
            kv.put(i, value(size[i], i));
            assertArrayEquals(valueBytes(size[i], i), read(kv, MemorySegment.ofArray(littleEndian(i))),
                    "put " + i + " of " + size[i] + " bytes stored its own value");
            StoreStats s = kv.stats();
            assertTrue(s.bytesReserved() <= limit, () -> "over the limit after put " + s);
            if (i % 100 == 0) {
                kv.maintain();
            }
        }
        int present = 0;
        for (int i = 0; i < n; i++) {
            byte[] v = kv.get(littleEndian(i));
            if (v != null) {
                present++;
                assertArrayEquals(valueBytes(size[i], i), v, "key " + i);
            }
        }
        assertEquals(kv.size(), present);
        assertTrue(kv.stats().evictions() > 0);
    }

    /**
     * An index with no free slot makes room like a cache: a new key evicts, and is stored. (It used
     * to be refused with "the index is full"; the engine now evicts when live entries fill at least
     * half the slots, and refuses only when they do not, i.e. when tombstones cannot be cleaned.)
     * Tombstones alone never cost a live entry: see {@link #tombstonesAreCleanedBeforeAnythingIsEvicted()}.
     */
    /**
     * A put that cannot make room fails with MemoryLimitExceededException naming the limit. Here the
     * puts come from a forEach visitor, whose read section keeps every chunk retired meanwhile from
     * being reused (shared: the epoch cannot pass it; confined: retires wait for forEach to return),
     * so evicting frees nothing the put could use. Nothing of the refused entry is stored, the limit
     * holds, the entries still present are intact, and once forEach has returned puts succeed again.
     */
    @Test
    void aPutThatCannotMakeRoomThrowsNamingTheLimitAndTheStoreRecovers() {
        long limit = indexBytes(1024) + 2L * PAGE;
        SlabKV kv = open(builder().memoryLimit(limit));
        int n = 0;
        while (kv.stats().evictions() == 0) {
            kv.put(n, value(500, n));
            n++;
        }
        long[] refused = {-1};
        MemoryLimitExceededException[] thrown = {null};
        kv.forEach((k, v) -> {
            if (thrown[0] == null && refused[0] == -1) {
                thrown[0] = assertThrows(MemoryLimitExceededException.class, () -> {
                    for (long key = 1_000_000; key < 1_010_000; key++) {
                        refused[0] = key;
                        kv.put(key, value(500, key));
                    }
                });
            }
        });
        assertNotNull(thrown[0]);
        assertTrue(thrown[0].getMessage().contains("limit of " + limit), thrown[0].getMessage());
        assertFalse(kv.containsKey(refused[0]), "nothing of the refused entry was stored");
        StoreStats s = kv.stats();
        assertTrue(s.bytesReserved() <= limit, s::toString);
        for (long key = 0; key < 1_010_000; key = key == n ? 1_000_000 : key + 1) {
            byte[] got = kv.get(littleEndian(key));
            if (got != null) {
                assertArrayEquals(valueBytes(500, key), got, "key " + key);
            }
        }
        kv.maintain();
        for (long key = 2_000_000; key < 2_000_000 + n; key++) {
            kv.put(key, value(500, key));
            assertArrayEquals(valueBytes(500, key), kv.get(littleEndian(key)));
        }
        assertTrue(kv.stats().bytesReserved() <= limit);
    }

    /**
     * A run of pages cannot be larger than the memory limit: an entry within the largest entry (one
     * region) but above what the limit leaves beside the index can never be stored. Its put threw
     * only after the whole inline eviction time (two seconds, in both variants: the store is not
     * empty) spent sampling for room that could not come, draining any window of pages it found long
     * enough. It is refused at once, naming the limit, and the entries present stay.
     */
    @Test
    void anEntryLargerThanTheMemoryLimitIsRefusedAtOnceWithoutEvicting() throws Throwable {
        long limit = indexBytes(1024) + 3L * PAGE;
        SlabKV kv = open(builder().memoryLimit(limit));
        for (long key = 0; key < 10; key++) {
            kv.put(key, value(500, key));
        }
        MemorySegment big = value(5 * PAGE, 99); // within the largest entry (a region), above the limit
        withinSeconds(kv, 1, () -> {
            MemoryLimitExceededException e = assertThrows(MemoryLimitExceededException.class, () -> kv.put(99L, big));
            assertTrue(e.getMessage().contains("limit of " + limit), e.getMessage());
        });
        assertEquals(0, kv.stats().evictions(), kv.stats()::toString);
        assertFalse(kv.containsKey(99L));
        for (long key = 0; key < 10; key++) {
            assertArrayEquals(valueBytes(500, key), kv.get(littleEndian(key)), "key " + key);
        }
    }

    /**
     * Regions are reserved at the size the limit allows: a limit of 10 pages (regions of 16) reserves
     * a region of 10, raising it to 20 reserves another 10. A run of 12 pages then fits no region,
     * and no eviction can change that: the put is refused at once, naming the regions, and nothing is
     * evicted (it used to sample and drain for the whole inline-eviction deadline, 2 s, first).
     */
    @Test
    void aRunLongerThanEveryRegionReservedIsRefusedAtOnce() throws Throwable {
        long index = indexBytes(1024);
        SlabKV kv = open(builder().memoryLimit(index + 10L * PAGE).maxMemoryLimit(index + 32L * PAGE));
        long key = 0;
        while (store(kv).allocator().reservedBytes() < 10L * PAGE) {
            kv.put(key, value(2000, key));
            key++;
        }
        kv.setMemoryLimit(index + 20L * PAGE);
        while (store(kv).allocator().reservedBytes() < 20L * PAGE) {
            kv.put(key, value(2000, key));
            key++;
        }
        long evictions = kv.stats().evictions();
        MemorySegment run = value(12 * PAGE - 64, 99);
        withinSeconds(kv, 1, () -> {
            MemoryLimitExceededException e = assertThrows(MemoryLimitExceededException.class, () -> kv.put(-1L, run));
            assertTrue(e.getMessage().contains("run of 12 consecutive pages")
                    && e.getMessage().contains("at most 10 pages"), e.getMessage());
        });
        assertEquals(evictions, kv.stats().evictions(), "nothing evicted: " + kv.stats());
        assertFalse(kv.containsKey(-1L));
        // A run that fits a region still goes in, evicting what it must.
        kv.put(-2L, value(8 * PAGE, 98));
        assertArrayEquals(valueBytes(8 * PAGE, 98), kv.get(littleEndian(-2)));
    }

    @Test
    void moreKeysThanSlotsEvictToMakeRoomAndTheStoreStaysUsable() {
        SlabKV kv = open(builder().expectedEntries(8)); // 2 buckets: 14 slots
        int slots = (int) kv.stats().indexSlots();
        assertEquals(14, slots);
        for (int k = 0; k < slots; k++) {
            kv.put(k, value(30, k));
        }
        kv.put(100L, value(30, 100));
        assertArrayEquals(valueBytes(30, 100), kv.get(littleEndian(100)), "the new key was stored");
        StoreStats s = kv.stats();
        assertTrue(s.evictionsInline() > 0, s::toString);
        assertEquals(slots + 1 - s.evictions(), kv.size(), s::toString);
        int present = 0;
        for (int k = 0; k < slots; k++) {
            byte[] v = kv.get(littleEndian(k));
            if (v != null) {
                present++;
                assertArrayEquals(valueBytes(30, k), v);
            }
        }
        assertEquals(kv.size() - 1, present);
        kv.maintain();
        assertEquals(s.indexBytes() + kv.size() * chunkOf(kv, 8 + 8 + 30), kv.stats().bytesUsed(),
                "the evicted entries' chunks came back");
    }

    /**
     * Fourteen slots, twelve live keys and two tombstones: no EMPTY slot. maintain() has the cleaner
     * mark the tombstones; putting a removed key back walks the whole table, which cancels those marks
     * (the walk protects itself against a duplicate insert that way). The put must still clean the
     * tombstones and take a slot, not evict a live entry. The store may fill every slot
     * ({@code maxIndexLoad(1)}), so the monitor evicts nothing either.
     */
    @Test
    void tombstonesAreCleanedBeforeAnythingIsEvicted() {
        SlabKV kv = open(builder().expectedEntries(8).maxIndexLoad(1)); // every slot may hold an entry
        assertEquals(14, kv.stats().indexSlots());
        for (int k = 0; k < 12; k++) {
            kv.put(k, value(30, k));
        }
        for (int round = 0; round < 50; round++) {
            long a = 12 + round * 2L;
            long b = a + 1;
            kv.put(a, value(30, a));
            kv.put(b, value(30, b)); // 14 live, every slot FULL
            assertTrue(kv.remove(a));
            assertTrue(kv.remove(b));
            kv.maintain(); // marks the two tombstones (more than an eighth of the slots)
            kv.put(a, value(30, -a));
            kv.put(b, value(30, -b));
            assertEquals(14, kv.size());
            assertArrayEquals(valueBytes(30, -a), kv.get(littleEndian(a)));
            assertEquals(0, kv.stats().evictions(), "round " + round + ": " + kv.stats());
            assertTrue(kv.remove(a));
            assertTrue(kv.remove(b));
        }
        for (int k = 0; k < 12; k++) {
            assertArrayEquals(valueBytes(30, k), kv.get(littleEndian(k)));
        }
    }

    static long chunkOf(SlabKV kv, int entryBytes) {
        var classes = store(kv).allocator().sizeClasses();
        return classes.chunkSize(classes.classOf(entryBytes));
    }

    // ================================================================== close

    @Test
    void closeReleasesEveryByteAndEveryLaterCallThrows() {
        SlabKV kv = open();
        for (int i = 0; i < 1_000; i++) {
            kv.put(i, value(100, i));
        }
        StoreStats s = kv.stats();
        assertTrue(s.bytesReserved() > s.indexBytes(), s::toString);
        assertTrue(store(kv).allocator().reservedBytes() > 0);
        kv.close();
        assertEquals(0, store(kv).allocator().reservedBytes(), "every page reserved was released");
        assertTrue(store(kv).allocator().isClosed());
        for (Call c : everyCall(kv)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, c.call, c.name);
            assertTrue(e.getMessage().contains("closed"), c.name + ": " + e.getMessage());
        }
        kv.close(); // a no-op
        assertThrows(IllegalStateException.class, kv::size);
    }

    @Test
    void closingAnEmptyStoreReleasesEverythingToo() {
        SlabKV kv = open();
        kv.close();
        kv.close();
        assertEquals(0, store(kv).allocator().reservedBytes());
    }

    // ================================================================== Agrona buffers

    @Test
    void agronaBuffersRoundTrip() {
        SlabKV kv = open();
        // A key at offset 3 of a heap buffer that itself wraps an array at offset 7.
        byte[] backing = new byte[64];
        UnsafeBuffer heapKey = new UnsafeBuffer(backing, 7, 40);
        heapKey.putStringWithoutLengthAscii(3, "instrument:XYZ");
        UnsafeBuffer directValue = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
        byte[] v = valueBytes(200, 1);
        directValue.putBytes(20, v);
        kv.put(heapKey, 3, 14, directValue, 20, 200);

        assertArrayEquals(v, kv.get("instrument:XYZ".getBytes(UTF_8)), "the same key through byte[]");

        ExpandableArrayBuffer dst = new ExpandableArrayBuffer(256);
        dst.setMemory(0, 256, (byte) 1);
        assertEquals(200, kv.get(heapKey, 3, 14, dst, 10));
        byte[] out = new byte[256];
        dst.getBytes(0, out);
        assertArrayEquals(v, Arrays.copyOfRange(out, 10, 210));
        assertTrue(untouched(out, 0, 10, (byte) 1) && untouched(out, 210, 256, (byte) 1));

        // A direct destination that is too small from its offset: the length needed, nothing copied.
        UnsafeBuffer directDst = new UnsafeBuffer(ByteBuffer.allocateDirect(210));
        directDst.setMemory(0, 210, (byte) 2);
        assertEquals(200, kv.get(heapKey, 3, 14, directDst, 11));
        for (int i = 0; i < 210; i++) {
            assertEquals(2, directDst.getByte(i), "byte " + i);
        }
        assertEquals(200, kv.get(heapKey, 3, 14, directDst, 10));
        byte[] direct = new byte[200];
        directDst.getBytes(10, direct);
        assertArrayEquals(v, direct);

        // A direct key, an expandable value; remove through a third kind of buffer.
        UnsafeBuffer directKey = new UnsafeBuffer(ByteBuffer.allocateDirect(32));
        directKey.putLong(8, 99L, ByteOrder.LITTLE_ENDIAN);
        ExpandableArrayBuffer expandable = new ExpandableArrayBuffer(8);
        expandable.putBytes(0, valueBytes(500, 2)); // grows
        kv.put(directKey, 8, 8, expandable, 0, 500);
        MemorySegment seg = MemorySegment.ofArray(new byte[500]);
        assertEquals(500, kv.get(99L, seg), "8 little-endian bytes in a buffer are the long key");
        assertArrayEquals(valueBytes(500, 2), seg.toArray(ValueLayout.JAVA_BYTE));
        ExpandableArrayBuffer keyCopy = new ExpandableArrayBuffer(16);
        keyCopy.putLong(0, 99L, ByteOrder.LITTLE_ENDIAN);
        assertTrue(kv.remove(keyCopy, 0, 8));
        assertFalse(kv.containsKey(99L));
        assertTrue(kv.remove(new UnsafeBuffer("instrument:XYZ".getBytes(UTF_8)), 0, 14));
        assertEquals(SlabKV.MISS, kv.get(heapKey, 3, 14, dst, 0));
        assertEquals(0, kv.size());
    }

    // ================================================================== bad input

    /** One call of the API, named for the failure message. */
    record Call(String name, Executable call) {
    }

    static final MemorySegment KEY = text("sample-key");
    static final byte[] SAMPLE = valueBytes(100, 77);

    /** A store holding one known entry, to show that a refused call changed nothing. */
    final SlabKV sampleStore() {
        SlabKV kv = open();
        kv.put(KEY, MemorySegment.ofArray(SAMPLE));
        kv.put(5L, MemorySegment.ofArray(SAMPLE));
        return kv;
    }

    /**
     * Each call must throw {@code type} with every one of {@code words} in its message, and leave the
     * store as it was: counters, size, memory in use, the sample entry; and usable afterwards.
     */
    static void assertRefused(SlabKV kv, Class<? extends Throwable> type, List<Call> calls, String... words) {
        for (Call c : calls) {
            StoreStats before = kv.stats();
            long size = kv.size();
            Throwable t = assertThrows(type, c.call, c.name);
            for (String w : words) {
                assertTrue(t.getMessage() != null && t.getMessage().contains(w),
                        c.name + ": the message should name '" + w + "': " + t.getMessage());
            }
            StoreStats after = kv.stats();
            assertEquals(size, kv.size(), c.name);
            assertEquals(before.puts(), after.puts(), c.name);
            assertEquals(before.removes(), after.removes(), c.name);
            assertEquals(before.hits(), after.hits(), c.name);
            assertEquals(before.misses(), after.misses(), c.name);
            assertEquals(before.bytesUsed(), after.bytesUsed(), c.name + ": memory in use changed (a chunk leaked?)");
            assertEquals(before.memoryLimit(), after.memoryLimit(), c.name);
            assertEquals(before.memoryLimit(), kv.memoryLimit(), c.name);
            assertArrayEquals(SAMPLE, read(kv, KEY), c.name);
            MemorySegment probe = text("probe");
            kv.put(probe, value(10, 1));
            assertArrayEquals(valueBytes(10, 1), read(kv, probe), c.name);
            assertTrue(kv.remove(probe), c.name);
        }
    }

    @Test
    void badKeysAreRefusedByEveryMethod() {
        SlabKV kv = sampleStore();
        MemorySegment v = value(10, 1);
        MemorySegment dst = MemorySegment.ofArray(new byte[10]);
        byte[] bv = new byte[10];
        UnsafeBuffer buf = new UnsafeBuffer(new byte[16]);
        assertRefused(kv, NullPointerException.class, List.of(
                new Call("put", () -> kv.put((MemorySegment) null, v)),
                new Call("put ttl", () -> kv.put((MemorySegment) null, v, 1, TimeUnit.SECONDS)),
                new Call("get", () -> kv.get((MemorySegment) null, dst)),
                new Call("remove", () -> kv.remove((MemorySegment) null)),
                new Call("putIfAbsent", () -> kv.putIfAbsent((MemorySegment) null, v)),
                new Call("replace", () -> kv.replace((MemorySegment) null, v)),
                new Call("containsKey", () -> kv.containsKey((MemorySegment) null)),
                new Call("put byte[]", () -> kv.put((byte[]) null, bv)),
                new Call("put byte[] ttl", () -> kv.put((byte[]) null, bv, 1, TimeUnit.SECONDS)),
                new Call("get byte[]", () -> kv.get((byte[]) null)),
                new Call("get byte[] dst", () -> kv.get((byte[]) null, bv)),
                new Call("remove byte[]", () -> kv.remove((byte[]) null)),
                new Call("containsKey byte[]", () -> kv.containsKey((byte[]) null)),
                new Call("put buffer", () -> kv.put(null, 0, 1, buf, 0, 1)),
                new Call("get buffer", () -> kv.get(null, 0, 1, buf, 0)),
                new Call("remove buffer", () -> kv.remove(null, 0, 1))), "key");

        MemorySegment empty = MemorySegment.ofArray(new byte[0]);
        MemorySegment tooLong = MemorySegment.ofArray(new byte[65_536]);
        for (MemorySegment bad : List.of(empty, tooLong)) {
            byte[] b = bad.toArray(ValueLayout.JAVA_BYTE);
            String len = String.valueOf(bad.byteSize());
            UnsafeBuffer kb = new UnsafeBuffer(b.length == 0 ? new byte[1] : b);
            assertRefused(kv, IllegalArgumentException.class, List.of(
                    new Call("put", () -> kv.put(bad, v)),
                    new Call("put ttl", () -> kv.put(bad, v, 1, TimeUnit.SECONDS)),
                    new Call("get", () -> kv.get(bad, dst)),
                    new Call("remove", () -> kv.remove(bad)),
                    new Call("putIfAbsent", () -> kv.putIfAbsent(bad, v)),
                    new Call("replace", () -> kv.replace(bad, v)),
                    new Call("containsKey", () -> kv.containsKey(bad)),
                    new Call("put byte[]", () -> kv.put(b, bv)),
                    new Call("put byte[] ttl", () -> kv.put(b, bv, 1, TimeUnit.SECONDS)),
                    new Call("get byte[]", () -> kv.get(b)),
                    new Call("get byte[] dst", () -> kv.get(b, bv)),
                    new Call("remove byte[]", () -> kv.remove(b)),
                    new Call("containsKey byte[]", () -> kv.containsKey(b)),
                    new Call("put buffer", () -> kv.put(kb, 0, b.length, buf, 0, 1)),
                    new Call("get buffer", () -> kv.get(kb, 0, b.length, buf, 0)),
                    new Call("remove buffer", () -> kv.remove(kb, 0, b.length))), "key length " + len, "65535");
        }
        assertRefused(kv, IndexOutOfBoundsException.class, List.of(
                new Call("buffer key past its capacity", () -> kv.put(buf, 10, 7, buf, 0, 1)),
                new Call("negative key offset", () -> kv.remove(buf, -1, 4)),
                new Call("negative key length", () -> kv.get(buf, 0, -1, buf, 0)),
                new Call("buffer value past its capacity", () -> kv.put(buf, 0, 4, buf, 0, 17))), "capacity");
    }

    @Test
    void badValuesAreRefused() {
        SlabKV kv = sampleStore();
        MemorySegment k = text("k");
        kv.put(text("present"), value(10, 3));
        assertRefused(kv, NullPointerException.class, List.of(
                new Call("put", () -> kv.put(k, null)),
                new Call("put ttl", () -> kv.put(k, null, 1, TimeUnit.SECONDS)),
                new Call("put long", () -> kv.put(1L, null)),
                new Call("put long ttl", () -> kv.put(1L, null, 1, TimeUnit.SECONDS)),
                new Call("putIfAbsent", () -> kv.putIfAbsent(k, null)),
                new Call("putIfAbsent long", () -> kv.putIfAbsent(1L, null)),
                new Call("replace present", () -> kv.replace(text("present"), null)),
                new Call("replace long", () -> kv.replace(5L, null)),
                new Call("put byte[]", () -> kv.put("k".getBytes(UTF_8), (byte[]) null)),
                new Call("put byte[] ttl", () -> kv.put("k".getBytes(UTF_8), null, 1, TimeUnit.SECONDS)),
                new Call("put buffer", () -> kv.put(new UnsafeBuffer(new byte[1]), 0, 1, null, 0, 0))), "value");

        // Region 1 MiB: an entry is at most 1,048,576 bytes (a run of 16 pages), header (8, or 16 with
        // a TTL) and key included.
        MemorySegment tooBig = MemorySegment.ofArray(new byte[REGION - 8 - 1 + 1]);
        MemorySegment tooBigForLong = MemorySegment.ofArray(new byte[REGION - 8 - 8 + 1]);
        MemorySegment tooBigWithTtl = MemorySegment.ofArray(new byte[REGION - 16 - 1 + 1]);
        assertRefused(kv, IllegalArgumentException.class, List.of(
                new Call("put", () -> kv.put(k, tooBig)),
                new Call("put ttl", () -> kv.put(k, tooBigWithTtl, 1, TimeUnit.SECONDS)),
                new Call("put long", () -> kv.put(1L, tooBigForLong)),
                new Call("put long ttl", () -> kv.put(1L, tooBigForLong, 1, TimeUnit.SECONDS)),
                new Call("putIfAbsent absent", () -> kv.putIfAbsent(k, tooBig)),
                new Call("putIfAbsent present", () -> kv.putIfAbsent(KEY, tooBig)),
                new Call("putIfAbsent long", () -> kv.putIfAbsent(1L, tooBigForLong)),
                new Call("replace present", () -> kv.replace(text("present"), tooBig)),
                new Call("replace absent", () -> kv.replace(k, tooBig)),
                new Call("replace long", () -> kv.replace(5L, tooBigForLong)),
                new Call("put byte[]", () -> kv.put("k".getBytes(UTF_8), tooBig.toArray(ValueLayout.JAVA_BYTE))),
                new Call("put buffer", () -> kv.put(new UnsafeBuffer(new byte[1]), 0, 1,
                        new UnsafeBuffer(tooBig.toArray(ValueLayout.JAVA_BYTE)), 0, (int) tooBig.byteSize()))),
                "largest entry, " + REGION + " bytes");

        // The largest values that fit are stored: in a chunk up to the page, in a run of pages above.
        for (int limit : new int[] {PAGE, REGION}) {
            kv.put(k, MemorySegment.ofArray(valueBytes(limit - 8 - 1, 1)));
            assertArrayEquals(valueBytes(limit - 8 - 1, 1), read(kv, k));
            kv.put(k, MemorySegment.ofArray(valueBytes(limit - 16 - 1, 2)), 1, TimeUnit.HOURS);
            assertArrayEquals(valueBytes(limit - 16 - 1, 2), read(kv, k));
            kv.put(1L, MemorySegment.ofArray(valueBytes(limit - 8 - 8, 3)));
            assertArrayEquals(valueBytes(limit - 8 - 8, 3), read(kv, MemorySegment.ofArray(littleEndian(1))));
        }
    }

    @Test
    void aValueSegmentThatCannotBeReadIsRefusedWithoutLeakingItsChunk() {
        SlabKV kv = sampleStore();
        Arena arena = Arena.ofConfined();
        MemorySegment gone = arena.allocate(100);
        arena.close();
        assertRefused(kv, IllegalStateException.class, List.of(
                new Call("put", () -> kv.put(text("k"), gone)),
                new Call("put ttl", () -> kv.put(text("k"), gone, 1, TimeUnit.SECONDS)),
                new Call("put long", () -> kv.put(9L, gone)),
                new Call("putIfAbsent", () -> kv.putIfAbsent(text("k"), gone)),
                new Call("replace", () -> kv.replace(KEY, gone))));
    }

    @Test
    void badTtlsAreRefused() {
        SlabKV kv = sampleStore();
        MemorySegment v = value(10, 1);
        byte[] bv = new byte[10];
        for (long ttl : new long[] {0, -1, Long.MIN_VALUE}) {
            assertRefused(kv, IllegalArgumentException.class, List.of(
                    new Call("put", () -> kv.put(KEY, v, ttl, TimeUnit.SECONDS)),
                    new Call("put long", () -> kv.put(5L, v, ttl, TimeUnit.MILLISECONDS)),
                    new Call("put byte[]", () -> kv.put("k".getBytes(UTF_8), bv, ttl, TimeUnit.NANOSECONDS))),
                    "TTL " + ttl, "positive");
        }
        assertRefused(kv, IllegalArgumentException.class, List.of(
                new Call("put", () -> kv.put(KEY, v, Long.MAX_VALUE, TimeUnit.DAYS)),
                new Call("put long", () -> kv.put(5L, v, Long.MAX_VALUE, TimeUnit.NANOSECONDS)),
                new Call("put byte[]", () -> kv.put("k".getBytes(UTF_8), bv, 300L * 365, TimeUnit.DAYS))),
                "overflows");
        assertRefused(kv, NullPointerException.class, List.of(
                new Call("put", () -> kv.put(KEY, v, 1, null)),
                new Call("put long", () -> kv.put(5L, v, 1, null)),
                new Call("put byte[]", () -> kv.put("k".getBytes(UTF_8), bv, 1, null))), "unit");
        kv.put(KEY, v, 200L * 365, TimeUnit.DAYS); // long, but representable
        assertTrue(kv.containsKey(KEY));
    }

    @Test
    void badDestinationsAreRefused() {
        SlabKV kv = sampleStore();
        MemorySegment readOnly = MemorySegment.ofArray(new byte[200]).asReadOnly();
        assertRefused(kv, NullPointerException.class, List.of(
                new Call("get", () -> kv.get(KEY, null)),
                new Call("get long", () -> kv.get(5L, null)),
                new Call("get byte[]", () -> kv.get("k".getBytes(UTF_8), (byte[]) null)),
                new Call("get buffer", () -> kv.get(new UnsafeBuffer(new byte[4]), 0, 4, null, 0))), "destination");
        assertRefused(kv, IllegalArgumentException.class, List.of(
                new Call("get", () -> kv.get(KEY, readOnly)),
                new Call("get long", () -> kv.get(5L, readOnly)),
                new Call("get absent", () -> kv.get(text("absent"), readOnly))), "read-only");
        UnsafeBuffer dst = new UnsafeBuffer(new byte[8]);
        assertRefused(kv, IndexOutOfBoundsException.class, List.of(
                new Call("offset past the capacity", () -> kv.get(new UnsafeBuffer(new byte[4]), 0, 4, dst, 9)),
                new Call("negative offset", () -> kv.get(new UnsafeBuffer(new byte[4]), 0, 4, dst, -1))),
                "destination");
        assertRefused(kv, NullPointerException.class, List.of(new Call("forEach", () -> kv.forEach(null))),
                "visitor");
    }

    @Test
    void badMemoryLimitsAreRefusedAtRunTime() {
        SlabKV kv = sampleStore();
        long index = kv.stats().indexBytes();
        assertRefused(kv, IllegalArgumentException.class, List.of(
                new Call("below index + page", () -> kv.setMemoryLimit(index + PAGE - 1)),
                new Call("zero", () -> kv.setMemoryLimit(0)),
                new Call("negative", () -> kv.setMemoryLimit(-1)),
                new Call("Long.MIN_VALUE", () -> kv.setMemoryLimit(Long.MIN_VALUE)),
                new Call("Long.MAX_VALUE", () -> kv.setMemoryLimit(Long.MAX_VALUE))), "memory limit");
    }

    @Test
    void badBuilderSettingsAreRefusedWithTheNumbers() {
        // 1,024 expected entries: 196 buckets, 12,544 bytes, an index of 16,384 bytes (whole 4 KiB
        // pages); with a 64 KiB page 81,920 is the least.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(builder().memoryLimit(81_919)));
        assertTrue(e.getMessage().contains("81919") && e.getMessage().contains("16384")
                && e.getMessage().contains("65536"), e.getMessage());
        open(builder().memoryLimit(81_920)).close();

        for (long limit : new long[] {0, -1, Long.MIN_VALUE}) {
            e = assertThrows(IllegalArgumentException.class, () -> open(builder().memoryLimit(limit)));
            assertTrue(e.getMessage().contains("memory limit " + limit), e.getMessage());
        }
        for (long entries : new long[] {0, -1, Long.MIN_VALUE, (1L << 40) + 1}) {
            e = assertThrows(IllegalArgumentException.class, () -> open(builder().expectedEntries(entries)));
            assertTrue(e.getMessage().contains("expected entries " + entries), e.getMessage());
        }
        for (double growth : new double[] {1.0, 1.04, 2.01, Double.NaN, -1}) {
            e = assertThrows(IllegalArgumentException.class, () -> open(builder().growthFactor(growth)));
            assertTrue(e.getMessage().contains("growth factor " + growth), e.getMessage());
        }
        for (int page : new int[] {0, -4096, 2048, 3000, 65_535}) {
            e = assertThrows(IllegalArgumentException.class, () -> open(builder().pageSize(page)));
            assertTrue(e.getMessage().contains("page size " + page), e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> open(builder().minChunkSize(12)));
        assertTrue(e.getMessage().contains("12"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> open(builder().regionSize(PAGE - 1)));
        assertTrue(e.getMessage().contains("region size " + (PAGE - 1)), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> open(builder().memoryLimit(8 << 20).maxMemoryLimit(4 << 20)));
        assertTrue(e.getMessage().contains("maximum memory limit " + (4 << 20)), e.getMessage());
        for (double[] w : new double[][] {{0.5, 0.6}, {1.1, 0.5}, {0.9, 0}, {0.9, 0.9}, {Double.NaN, 0.5}}) {
            e = assertThrows(IllegalArgumentException.class, () -> open(builder().watermarks(w[0], w[1])));
            assertTrue(e.getMessage().contains("watermarks high " + w[0] + " and low " + w[1]), e.getMessage());
        }
        for (double load : new double[] {0.49, 1.01, 0, -1, Double.NaN}) {
            e = assertThrows(IllegalArgumentException.class, () -> open(builder().maxIndexLoad(load)));
            assertTrue(e.getMessage().contains("maximum index load " + load), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> builder().timeSource(null));
        assertThrows(NullPointerException.class, () -> builder().eviction(null));
        assertThrows(NullPointerException.class, () -> builder().pageSource(null));
    }

    /** Every operation, with valid arguments. */
    static List<Call> everyCall(SlabKV kv) {
        MemorySegment k = text("k");
        MemorySegment v = value(10, 1);
        MemorySegment dst = MemorySegment.ofArray(new byte[10]);
        byte[] bk = "k".getBytes(UTF_8);
        UnsafeBuffer buf = new UnsafeBuffer(new byte[16]);
        return List.of(
                new Call("put", () -> kv.put(k, v)),
                new Call("put ttl", () -> kv.put(k, v, 1, TimeUnit.SECONDS)),
                new Call("put long", () -> kv.put(1L, v)),
                new Call("put long ttl", () -> kv.put(1L, v, 1, TimeUnit.SECONDS)),
                new Call("put byte[]", () -> kv.put(bk, bk)),
                new Call("put byte[] ttl", () -> kv.put(bk, bk, 1, TimeUnit.SECONDS)),
                new Call("put buffer", () -> kv.put(buf, 0, 4, buf, 4, 4)),
                new Call("get", () -> kv.get(k, dst)),
                new Call("get long", () -> kv.get(1L, dst)),
                new Call("get byte[]", () -> kv.get(bk)),
                new Call("get byte[] dst", () -> kv.get(bk, new byte[4])),
                new Call("get buffer", () -> kv.get(buf, 0, 4, buf, 8)),
                new Call("remove", () -> kv.remove(k)),
                new Call("remove long", () -> kv.remove(1L)),
                new Call("remove byte[]", () -> kv.remove(bk)),
                new Call("remove buffer", () -> kv.remove(buf, 0, 4)),
                new Call("putIfAbsent", () -> kv.putIfAbsent(k, v)),
                new Call("putIfAbsent long", () -> kv.putIfAbsent(1L, v)),
                new Call("replace", () -> kv.replace(k, v)),
                new Call("replace long", () -> kv.replace(1L, v)),
                new Call("containsKey", () -> kv.containsKey(k)),
                new Call("containsKey long", () -> kv.containsKey(1L)),
                new Call("containsKey byte[]", () -> kv.containsKey(bk)),
                new Call("size", kv::size),
                new Call("clear", kv::clear),
                new Call("forEach", () -> kv.forEach((a, b) -> { })),
                new Call("maintain", kv::maintain),
                new Call("stats", kv::stats),
                new Call("setMemoryLimit", () -> kv.setMemoryLimit(8 << 20)));
    }

    // ================================================================== visitors that write

    /**
     * Runs {@code body}, failing if it takes longer than {@code seconds}: on another thread for a shared
     * store (so a hang is cut short), on this one for a confined store (which refuses other threads).
     */
    static void withinSeconds(SlabKV kv, int seconds, Executable body) throws Throwable {
        if (kv.confined()) {
            long start = System.nanoTime();
            body.execute();
            assertTrue(System.nanoTime() - start < seconds * 1_000_000_000L, "took more than " + seconds + " s");
        } else {
            assertTimeoutPreemptively(Duration.ofSeconds(seconds), body::execute);
        }
    }

    /** An index of 14 slots holding 12 live entries and 2 tombstones: no EMPTY slot anywhere. */
    final SlabKV storeWithoutEmptySlots() {
        SlabKV kv = open(builder().expectedEntries(8).maxIndexLoad(1)); // every slot may hold an entry
        for (int k = 0; k < 14; k++) {
            kv.put(k, value(30, k));
        }
        assertTrue(kv.remove(12L));
        assertTrue(kv.remove(13L));
        return kv;
    }

    /** clear() from a visitor returns (it must not wait for the visitor's own read section) and empties the store. */
    @Test
    void aVisitorMayClearTheStore() throws Throwable {
        SlabKV kv = storeWithoutEmptySlots();
        int[] visits = {0};
        withinSeconds(kv, 30, () -> kv.forEach((k, v) -> {
            if (visits[0]++ == 0) {
                kv.clear();
            }
        }));
        assertEquals(0, kv.size());
        for (int k = 0; k < 14; k++) {
            kv.put(k, value(30, -k));
        }
        assertEquals(14, kv.size());
        assertEquals(0, kv.stats().evictions(), kv.stats()::toString);
    }

    /**
     * A visitor may change the store: here it renames every entry (remove the key, put its value
     * under a new key of another length). The value it copies from is the view forEach handed it,
     * so the chunk behind that view must not be reused while the visitor runs, even though the
     * visitor's own remove retired it.
     */
    @Test
    void aVisitorMayRemoveAndPutWhileItReadsTheEntry() {
        SlabKV kv = open(builder().expectedEntries(4096));
        int n = 300;
        for (int i = 0; i < n; i++) {
            kv.put(text("old-" + i), value(40 + i % 20, i));
        }
        kv.forEach((key, v) -> {
            String name = new String(key.toArray(ValueLayout.JAVA_BYTE), UTF_8);
            if (name.startsWith("old-")) {
                assertTrue(kv.remove(key));
                kv.put(text("renamed-key-" + name.substring(4)), v);
            }
        });
        assertEquals(n, kv.size());
        for (int i = 0; i < n; i++) {
            assertFalse(kv.containsKey(text("old-" + i)));
            assertArrayEquals(valueBytes(40 + i % 20, i), read(kv, text("renamed-key-" + i)), "entry " + i);
        }
    }
}
