package io.slabkv.bench.cli;

/**
 * A seeded bijection of {@code [0, n)} onto itself, so that Zipf ranks land on keys spread over
 * the whole key space. Two rounds of multiply-and-xorshift, each a bijection on {@code k}-bit words
 * (the smallest {@code 2^k >= n}), with cycle walking to stay below {@code n}: fewer than two
 * rounds on average, since {@code 2^k < 2n}. No allocation.
 */
public final class KeyScrambler {

    private final long n;
    private final long mask;
    private final int shift;
    private final long add1;
    private final long add2;

    public KeyScrambler(long n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("key count " + n + " must be at least 1");
        }
        int bits = Math.max(1, 64 - Long.numberOfLeadingZeros(n - 1));
        this.n = n;
        this.mask = bits == 64 ? -1L : (1L << bits) - 1;
        this.shift = Math.max(1, (bits + 1) / 2);
        this.add1 = SplitMix.mix(seed);
        this.add2 = SplitMix.mix(seed + 1);
    }

    public long apply(long x) {
        do {
            x = mix(x);
        } while (Long.compareUnsigned(x, n) >= 0);
        return x;
    }

    private long mix(long x) {
        x = (x * 0x9E3779B97F4A7C15L + add1) & mask; // odd multiplier and an addition: bijective mod 2^k
        x ^= x >>> shift;                               // xorshift right: bijective on k-bit words
        x = (x * 0xBF58476D1CE4E5B9L + add2) & mask;
        x ^= x >>> shift;
        return x;
    }
}
