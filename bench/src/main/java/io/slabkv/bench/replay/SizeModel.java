package io.slabkv.bench.replay;

/**
 * Object sizes for traces that have none: uniform in {@code [min, max]} bytes, drawn per key by a
 * seeded hash, so a key has one size for the whole trace and for every policy, run after run.
 */
public record SizeModel(int min, int max, long seed) {

    public SizeModel {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("size range " + min + ".." + max + " must have 0 <= min <= max");
        }
    }

    public long size(long key) {
        long span = (long) max - min;
        if (span == 0) {
            return min;
        }
        return min + Math.unsignedMultiplyHigh(mix(key ^ mix(seed)), span + 1);
    }

    /** The SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return min == max ? min + " B per key" : "uniform " + min + ".." + max + " B per key, seed " + seed;
    }
}
