package io.slabkv.engine.evict;

/**
 * One {@link VictimPool} per size class: the best eviction candidates of every class seen by an
 * evictor's sampling, kept across calls, for an eviction that must free a chunk of one given class
 * (a put at the hard limit: memory is carved per class, so only a chunk of the put's class helps it).
 *
 * <p><b>Why per class.</b> A single pool for "the class the last call needed" was emptied whenever
 * the next put needed another class, which with entries spread over a dozen classes was nearly every
 * put: each eviction then chose the best of the four or so candidates of its class that a fresh
 * sample turned up, near random within the class. Keeping every class's best candidates (each
 * sampled entry is offered to its own class's pool; the samples were read anyway) made the choice
 * the best of sixteen remembered ones. In the trace replay of issue 4 (bench/results/policy-replay.md,
 * size-aware at the same payload) that raised lirs_multi1/2/3 at 5 % and 20 % by 3 to 4.9 points of
 * object and byte hit ratio, and lirs_loop at 50 % by 12 (object) and 20 (byte): with uniform sizes
 * of 100 to 1,000 bytes (eleven classes) size-aware had trailed Caffeine by up to 9 points on
 * lirs_multi1 at 5 %, but by only 1.4 with all objects in one or two classes (sizes 500 to 600).
 * Better victims by score cost the recency-friendly lirs_sprite at 20 % a point (90.4 to 89.3 %,
 * exact LRU 92.2); the adaptive window ({@link WindowClimber}, off by default) wins it back (91.6)
 * but then costs lirs_loop about 4 points (bench/results/policy-replay-tuning.md, round 3).
 *
 * <p>Pools are made on first use; a pool is 16 candidates (384 bytes). Not thread-safe: each
 * evictor has its own.
 */
public final class ClassPools {

    private final VictimPool[] pools;

    /** Pools for size classes {@code 0} to {@code classes - 1}. */
    public ClassPools(int classes) {
        this.pools = new VictimPool[classes];
    }

    /** The pool of {@code sizeClass}. */
    public VictimPool of(int sizeClass) {
        VictimPool p = pools[sizeClass];
        if (p == null) {
            p = pools[sizeClass] = new VictimPool();
        }
        return p;
    }
}
