package io.slabkv.engine.evict;

/**
 * How a sampled entry is ranked for eviction: the lower the score, the sooner it goes. Policies see
 * only what the entry header records, so scoring costs no memory beyond the header.
 */
public interface EvictionPolicy {

    /**
     * @param hint the entry's access hint (see {@link AccessClock})
     * @param age  ticks since its last access
     * @param size its chunk size in bytes
     */
    double score(int hint, int age, int size);

    String name();
}
