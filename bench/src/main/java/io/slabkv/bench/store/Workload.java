package io.slabkv.bench.store;

import java.util.Arrays;

/**
 * The keys and values of the peer benchmarks, and the setup every store goes through.
 *
 * <h2>Keys</h2>
 * Key number {@code i} is {@link #key(long) key(i)}, a bijective 64-bit mix of {@code i}, so keys
 * are distinct, spread over the whole {@code long} range, and no store gets sequential keys its hash
 * might favour. With {@code n} entries loaded:
 * <ul>
 *   <li>present keys are numbers {@code [0, n)};</li>
 *   <li>absent keys are numbers {@code [n, 2n)}, never inserted;</li>
 *   <li>fresh keys (put, then removed) are numbers {@code (thread + 1) << 40 | counter}, distinct per
 *       thread and from both ranges above.</li>
 * </ul>
 * Values are {@code valueSize} bytes ({@value #VALUE_SIZE} unless a benchmark says otherwise); the
 * loaded value of each key is derived from the key, so the setup check can tell one key's value from
 * another's.
 */
public final class Workload {

    /** The headline value size, and the one every tool outside the JMH suite uses. */
    public static final int VALUE_SIZE = 100;
    /** Keys read back and compared after the preload. */
    static final int CHECKED_KEYS = 1000;

    private Workload() {
    }

    /** The key of number {@code i}: the SplitMix64 finaliser, a bijection on {@code long}. */
    public static long key(long i) {
        long z = i + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The first fresh-key number of benchmark thread {@code thread}. */
    public static long freshBase(int thread) {
        return (thread + 1L) << 40;
    }

    /** The {@value #VALUE_SIZE}-byte value loaded under {@code key}. */
    public static byte[] valueOf(long key) {
        return valueOf(key, VALUE_SIZE);
    }

    /**
     * The {@code size}-byte value loaded under {@code key}: an LCG seeded by the key, eight bytes per
     * step (a 10,000,000 x 1000-byte preload makes 1.25 billion steps, not 10 billion).
     */
    public static byte[] valueOf(long key, int size) {
        byte[] v = new byte[size];
        long x = key;
        for (int i = 0; i < size; i += Long.BYTES) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            for (int j = i, shift = 56; j < Math.min(size, i + Long.BYTES); j++, shift -= 8) {
                v[j] = (byte) (x >>> shift);
            }
        }
        return v;
    }

    /** {@link #preloadAndCheck(KvStore, KvStore.Client, int, int)} with {@value #VALUE_SIZE}-byte values. */
    public static void preloadAndCheck(KvStore store, KvStore.Client c, int entries) {
        preloadAndCheck(store, c, entries, VALUE_SIZE);
    }

    /**
     * Loads keys {@code [0, entries)} with {@code valueSize}-byte values through {@code c}, then checks
     * that the store holds them: the size, a sample of values byte for byte, absent keys, and a
     * put/remove round trip. Throws if any of it fails, so a store that does not work stops the
     * benchmark at setup. Leaves {@code c}'s value set to the last key's.
     */
    public static void preloadAndCheck(KvStore store, KvStore.Client c, int entries, int valueSize) {
        for (long i = 0; i < entries; i++) {
            long k = key(i);
            c.setValue(valueOf(k, valueSize));
            c.put(k);
        }
        if (store.size() != entries) {
            throw new IllegalStateException(store + ": size " + store.size() + " after loading " + entries + " keys");
        }
        long step = Math.max(1, entries / CHECKED_KEYS);
        for (long i = 0; i < entries; i += step) {
            long k = key(i);
            byte[] got = store.read(k);
            if (!Arrays.equals(got, valueOf(k, valueSize))) {
                throw new IllegalStateException(store + ": key number " + i + " read back "
                        + (got == null ? "nothing" : Arrays.toString(got)));
            }
            if (c.get(k) != valueSize) {
                throw new IllegalStateException(store + ": get of key number " + i + " returned " + c.get(k));
            }
            long absent = key(entries + i);
            if (store.read(absent) != null || c.get(absent) != KvStore.MISS) {
                throw new IllegalStateException(store + ": absent key number " + (entries + i) + " was found");
            }
        }
        long fresh = key(-1); // number -1 is in none of the ranges
        c.put(fresh);
        if (c.get(fresh) != valueSize || !c.remove(fresh) || c.get(fresh) != KvStore.MISS || c.remove(fresh)) {
            throw new IllegalStateException(store + ": put/get/remove round trip of a fresh key failed");
        }
        if (store.size() != entries) {
            throw new IllegalStateException(store + ": size " + store.size() + " after the round trip, not " + entries);
        }
    }
}
