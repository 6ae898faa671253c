package io.slabkv.bench.cli;

/**
 * SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): a fast, seedable generator whose state is one
 * {@code long}. Not thread-safe: each worker owns one. No allocation.
 */
final class SplitMix {

    private long state;

    SplitMix(long seed) {
        this.state = seed;
    }

    long nextLong() {
        return mix(state += 0x9E3779B97F4A7C15L);
    }

    /** Uniform in {@code [0, 1)}. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in {@code [0, bound)}, {@code bound > 0}. */
    long nextLong(long bound) {
        return Math.unsignedMultiplyHigh(nextLong(), bound);
    }

    /** The SplitMix64 finaliser: a good 64-bit mixer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
