package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Four threads (on however many cores there are; two in CI) run random put, get, remove,
 * putIfAbsent, replace, containsKey, forEach and maintain on one shared store for about three
 * seconds, over 64 keys in an index of 91 slots, with the background monitor running too. Every
 * value names its key and its writer, carries a sequence number and a random length, and ends
 * with a checksum over all of that and the key's bytes.
 *
 * <p>The interleavings it guards against:
 * <ul>
 *   <li><b>a read against the reuse of a retired chunk</b> (hazard 2): a get loads a slot, a put or
 *       remove of the same key retires the chunk, another put reuses it for another key; a reader
 *       copying then would return the other key's bytes (the key id in the value is wrong) or half
 *       of each (the checksum fails);</li>
 *   <li><b>duplicate inserts</b> (hazard 1): two first inserts of one key, most likely into slots the
 *       tombstone cleaner has just emptied (maintain, the monitor and long probes all clean while
 *       the others insert), both land; forEach then visits the key twice and size() counts it twice;</li>
 *   <li><b>put against remove</b> (hazard 3): a put replaces the entry a remove is unlinking, or the
 *       other way round; a lost update or a double unlink shows as entries miscounted (size() against
 *       the keys a final get finds) or as a remove reporting success for an entry already gone
 *       (stats against the threads' own counts).</li>
 * </ul>
 * Sequence numbers are not compared across reads: with several writers per key no order is
 * promised between what different writers wrote.
 */
class ConcurrentStoreTest {

    static final int KEYS = 64;
    static final int THREADS = 4;
    static final long RUN_NANOS = 3_000_000_000L;
    static final int MAX_VALUE = 300;
    static final int HEADER = 4 + 4 + 8 + 4; // key id, writer, sequence, length
    static final int MIN_VALUE = HEADER + 8;

    final byte[][] keys = keys();

    /** 32 long keys (8 bytes, used through both forms) and 32 byte keys of 1 to 40 bytes. */
    static byte[][] keys() {
        Random rnd = new Random(64);
        Set<ByteBuffer> seen = new HashSet<>();
        byte[][] out = new byte[KEYS][];
        for (int i = 0; i < KEYS; ) {
            byte[] k = new byte[i < KEYS / 2 ? 8 : 1 + rnd.nextInt(40)];
            rnd.nextBytes(k);
            if (seen.add(ByteBuffer.wrap(k))) {
                out[i++] = k;
            }
        }
        return out;
    }

    static long checksum(byte[] key, MemorySegment value, int length) {
        CRC32C crc = new CRC32C();
        crc.update(key);
        crc.update(value.asSlice(0, length - 8).asByteBuffer());
        return crc.getValue() ^ ((long) length << 32);
    }

    /** Writes a value for key {@code k} into {@code buf}; returns its length. */
    int fill(MemorySegment buf, int k, int writer, long seq, Random rnd) {
        int len = MIN_VALUE + rnd.nextInt(MAX_VALUE - MIN_VALUE + 1);
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, 0, k);
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, 4, writer);
        buf.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, seq);
        buf.set(ValueLayout.JAVA_INT_UNALIGNED, 16, len);
        for (int i = HEADER; i < len - 8; i++) {
            buf.set(ValueLayout.JAVA_BYTE, i, (byte) (seq * 31 + i));
        }
        buf.set(ValueLayout.JAVA_LONG_UNALIGNED, len - 8, checksum(keys[k], buf, len));
        return len;
    }

    /** Null when the {@code n} bytes of {@code buf} are an intact value of key {@code k}, else what is wrong. */
    String check(MemorySegment buf, int n, int k) {
        if (n < MIN_VALUE || n > MAX_VALUE) {
            return "length " + n;
        }
        int id = buf.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
        if (id != k) {
            return "the value of key " + id + " was read for key " + k;
        }
        int len = buf.get(ValueLayout.JAVA_INT_UNALIGNED, 16);
        if (len != n) {
            return "length " + n + " but the value says " + len;
        }
        if (buf.get(ValueLayout.JAVA_LONG_UNALIGNED, n - 8) != checksum(keys[k], buf, n)) {
            return "checksum mismatch (a torn value) for key " + k + ", writer "
                    + buf.get(ValueLayout.JAVA_INT_UNALIGNED, 4) + ", seq " + buf.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
        }
        return null;
    }

    /** What one thread did, counted as the store counts it. */
    static final class Counts {
        long puts;
        long removes;
        long hits;
        long misses;
        long ops;
    }

    @Test
    void fourThreadsOnSixtyFourKeysNeverSeeAnotherKeysBytesATornValueOrADuplicateKey() throws Exception {
        long index = StoreSpec.indexBytes(KEYS);
        try (SlabKV kv = SlabKV.builder().expectedEntries(KEYS).memoryLimit(index + 32L * StoreSpec.PAGE)
                .pageSize(StoreSpec.PAGE).regionSize(8L * StoreSpec.PAGE).build()) {
            assertEquals(91, kv.stats().indexSlots());
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            Counts[] counts = new Counts[THREADS];
            long seed = System.nanoTime();
            for (int t = 0; t < THREADS; t++) {
                int writer = t;
                Counts c = counts[t] = new Counts();
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        run(kv, writer, new Random(seed + writer), c, stop, failures);
                    } catch (Throwable e) {
                        failures.add("thread " + writer + ": " + e);
                        e.printStackTrace();
                    }
                }, "worker-" + t);
                threads.add(th);
                th.start();
            }
            start.countDown();
            long end = System.nanoTime() + RUN_NANOS;
            while (System.nanoTime() < end && failures.isEmpty()) {
                Thread.sleep(20);
            }
            stop.set(true);
            for (Thread th : threads) {
                th.join(10_000);
                assertTrue(!th.isAlive(), th.getName() + " did not stop");
            }
            assertTrue(failures.isEmpty(), () -> "seed " + seed + ": " + failures.size() + " failures, first: "
                    + failures.stream().limit(10).toList());

            long puts = 0, removes = 0, hits = 0, misses = 0, ops = 0;
            for (Counts c : counts) {
                puts += c.puts;
                removes += c.removes;
                hits += c.hits;
                misses += c.misses;
                ops += c.ops;
            }
            StoreStats s = kv.stats();
            assertEquals(puts, s.puts(), () -> "puts; " + s);
            assertEquals(removes, s.removes(), () -> "removes; " + s);
            assertEquals(hits, s.hits(), () -> "hits; " + s);
            assertEquals(misses, s.misses(), () -> "misses; " + s);
            // Memory and the index's load (64 keys, 91 slots) stay far below the watermarks, so the
            // monitor evicts nothing. A put may evict inline when it finds no EMPTY slot and its own
            // tombstone-cleaning round is defeated by the others (their walks cancel its marks, or
            // they take the slots it emptied): rare, and not a lost update, but it is counted.
            assertEquals(0, s.evictionsPressure() + s.evictionsPageRecycle() + s.evictionsExpired(), s::toString);
            assertTrue(ops > 1_000, "ops " + ops); // a sanity floor: a loaded 2-core box still does tens of thousands

            // Quiescent now: every key at most once, size() is exactly what a get finds.
            MemorySegment dst = MemorySegment.ofArray(new byte[MAX_VALUE]);
            int found = 0;
            for (int k = 0; k < KEYS; k++) {
                int n = kv.get(MemorySegment.ofArray(keys[k]), dst);
                if (n != SlabKV.MISS) {
                    found++;
                    assertNull(check(dst, n, k));
                }
            }
            assertEquals(found, kv.size(), () -> "size() against the keys found; " + kv.stats());
            assertEquals(found, kv.stats().entries());
            List<Integer> visited = new ArrayList<>();
            kv.forEach((key, value) -> {
                int k = keyNumber(key);
                visited.add(k);
                assertNull(check(MemorySegment.ofArray(value.toArray(ValueLayout.JAVA_BYTE)), (int) value.byteSize(), k));
            });
            assertEquals(found, visited.size(), () -> "forEach visited " + visited);
            assertEquals(found, new HashSet<>(visited).size(), () -> "a key visited twice: " + visited);
            System.out.printf("%,d operations on %d threads; %s%n", ops, THREADS, kv.stats());
        }
    }

    int keyNumber(MemorySegment key) {
        byte[] b = key.toArray(ValueLayout.JAVA_BYTE);
        for (int k = 0; k < KEYS; k++) {
            if (java.util.Arrays.equals(keys[k], b)) {
                return k;
            }
        }
        throw new AssertionError("forEach visited a key nobody wrote");
    }

    void run(SlabKV kv, int writer, Random rnd, Counts c, AtomicBoolean stop, ConcurrentLinkedQueue<String> failures) {
        Arena arena = Arena.ofConfined();
        MemorySegment value = arena.allocate(MAX_VALUE);
        MemorySegment nativeDst = arena.allocate(MAX_VALUE);
        MemorySegment heapDst = MemorySegment.ofArray(new byte[MAX_VALUE]);
        long seq = 0;
        try {
            while (!stop.get()) {
                c.ops++;
                int k = rnd.nextInt(KEYS);
                boolean longForm = k < KEYS / 2 && rnd.nextBoolean();
                long lk = longForm ? ByteBuffer.wrap(keys[k]).order(ByteOrder.LITTLE_ENDIAN).getLong() : 0;
                MemorySegment key = MemorySegment.ofArray(keys[k]);
                int dice = rnd.nextInt(1000);
                if (dice < 300) {
                    int len = fill(value, k, writer, ++seq, rnd);
                    if (longForm) {
                        kv.put(lk, value.asSlice(0, len));
                    } else {
                        kv.put(key, value.asSlice(0, len));
                    }
                    c.puts++;
                } else if (dice < 650) {
                    MemorySegment dst = rnd.nextBoolean() ? nativeDst : heapDst;
                    int n = longForm ? kv.get(lk, dst) : kv.get(key, dst);
                    if (n == SlabKV.MISS) {
                        c.misses++;
                    } else {
                        c.hits++;
                        String wrong = check(dst, n, k);
                        if (wrong != null) {
                            failures.add("thread " + writer + " op " + c.ops + ": " + wrong);
                        }
                    }
                } else if (dice < 750) {
                    if (longForm ? kv.remove(lk) : kv.remove(key)) {
                        c.removes++;
                    }
                } else if (dice < 850) {
                    int len = fill(value, k, writer, ++seq, rnd);
                    if (longForm ? kv.putIfAbsent(lk, value.asSlice(0, len)) : kv.putIfAbsent(key, value.asSlice(0, len))) {
                        c.puts++;
                    }
                } else if (dice < 950) {
                    int len = fill(value, k, writer, ++seq, rnd);
                    if (longForm ? kv.replace(lk, value.asSlice(0, len)) : kv.replace(key, value.asSlice(0, len))) {
                        c.puts++;
                    }
                } else if (dice < 985) {
                    if (longForm ? kv.containsKey(lk) : kv.containsKey(key)) {
                        c.ops++; // containsKey is not counted as a hit or a miss
                    }
                } else if (dice < 995) {
                    kv.maintain();
                } else {
                    // Weakly consistent: a key removed and inserted again may be met twice by one walk,
                    // so only the values are checked here; duplicates are checked once quiescent.
                    kv.forEach((fk, fv) -> {
                        int n = keyNumber(fk);
                        String wrong = check(MemorySegment.ofArray(fv.toArray(ValueLayout.JAVA_BYTE)), (int) fv.byteSize(), n);
                        if (wrong != null) {
                            failures.add("thread " + writer + " forEach: " + wrong);
                        }
                    });
                }
            }
        } finally {
            arena.close();
        }
    }
}
