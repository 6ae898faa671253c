package io.slabkv.bench.evict;

import io.slabkv.bench.cli.Zipf;

import java.util.SplittableRandom;

/**
 * The keys of the eviction benchmarks and the sequences they are drawn in, computed once in setup
 * so that drawing a key while measuring is one array read: no arithmetic, no {@code Math.pow}, no
 * allocation.
 *
 * <p>Key number {@code i} ({@code 0 <= i < n}) is {@link #key(long) key(i)}, a bijective 64-bit mix,
 * so keys are distinct and spread over the whole {@code long} range. A sequence is
 * {@value #LENGTH} key draws (a power of two: the benchmark wraps around it with a mask), 32 MiB of
 * {@code long}s, shared by every thread of a run (each starts at its own offset). It repeats after
 * about four times the number of keys, far longer than any store's memory of recent accesses.
 */
final class KeyDraws {

    /** Draws in a sequence: 2^22. */
    static final int LENGTH = 1 << 22;
    /** YCSB's default skew. */
    static final double ZIPF_THETA = 0.99;

    private KeyDraws() {
    }

    /** The key of number {@code i}: the SplitMix64 finaliser, a bijection on {@code long}. */
    static long key(long i) {
        long z = i + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * {@code length} keys drawn from key numbers {@code [0, n)} with {@code distribution}
     * ({@code "uniform"}, or {@code "zipf"}: Zipf({@value #ZIPF_THETA}) where number 0 is the most
     * popular key). {@code length} must be a power of two.
     */
    static long[] draw(String distribution, int n, int length, long seed) {
        if (Integer.bitCount(length) != 1) {
            throw new IllegalArgumentException("sequence length " + length + " is not a power of two");
        }
        SplittableRandom random = new SplittableRandom(seed);
        long[] keys = new long[length];
        switch (distribution) {
            case "uniform" -> {
                for (int i = 0; i < length; i++) {
                    keys[i] = key(random.nextInt(n));
                }
            }
            case "zipf" -> {
                Zipf zipf = new Zipf(n, ZIPF_THETA);
                for (int i = 0; i < length; i++) {
                    keys[i] = key(zipf.rank(random.nextDouble()));
                }
            }
            default -> throw new IllegalArgumentException("unknown key distribution '" + distribution
                    + "'; uniform or zipf");
        }
        return keys;
    }
}
