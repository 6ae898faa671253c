package io.slabkv.engine.evict;

/**
 * The default: a sampled relative of GDSF (Cherkasova 1998) and size-aware TinyLFU. The score is
 * the entry's benefit per byte held:
 *
 * <pre>
 *   score = (decayed frequency + 1) / (1 + age / AGE_SCALE) / size ^ sizeWeight
 * </pre>
 *
 * so a large cold entry goes before a small warm one, and among entries of one size the cold,
 * rarely read one goes first. {@code sizeWeight} trades object hit ratio (1: size counts fully,
 * GDSF) against byte hit ratio (0: size ignored); the default 0.5 keeps both.
 */
public final class SizeAwarePolicy implements EvictionPolicy {

    /**
     * Ticks of age that halve an entry's benefit: a quarter of a turnover (see
     * {@link AccessClock#TICKS_PER_TURNOVER}). It was 8 (1/32 of a turnover), where recency swamps
     * frequency and size. Replaying the traces of {@code ../shared/traces} (bench/results/policy-replay-tuning.md)
     * at 2 to 256 ticks: 32 to 256 beat 2 to 8 by about a point of hit ratio on average; 256 lost a
     * point more on the recency-friendly lirs_sprite; and the larger it is, the longer a small,
     * once-frequent entry can sit unread, towards the clock's wrap at 16 turnovers.
     */
    static final double AGE_SCALE = 64.0;
    private final double sizeWeight;

    public SizeAwarePolicy() {
        this(0.5);
    }

    public SizeAwarePolicy(double sizeWeight) {
        if (!(sizeWeight >= 0 && sizeWeight <= 2)) {
            throw new IllegalArgumentException("size weight " + sizeWeight + " must be between 0 and 2");
        }
        this.sizeWeight = sizeWeight;
    }

    @Override
    public double score(int hint, int age, int size) {
        double benefit = (AccessClock.decayedFrequency(hint, age) + 1) / (1 + age / AGE_SCALE);
        return benefit / Math.pow(size, sizeWeight);
    }

    @Override
    public String name() {
        return "size-aware";
    }
}
