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

    static final double AGE_SCALE = 8.0;
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
