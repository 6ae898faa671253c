package io.slabkv.bench.replay;

import io.slabkv.Eviction;

/** The caches compared. */
public enum Policy {
    SIZE_AWARE("slabkv size-aware (default)", Eviction.SIZE_AWARE),
    SAMPLED_LRU("slabkv sampled LRU", Eviction.SAMPLED_LRU),
    SAMPLED_LFU("slabkv sampled LFU", Eviction.SAMPLED_LFU),
    EXACT_LRU("exact LRU", null),
    CAFFEINE("Caffeine", null);

    final String label;
    /** The store's policy, or null for a cache that is not slabkv. */
    final Eviction eviction;

    Policy(String label, Eviction eviction) {
        this.label = label;
        this.eviction = eviction;
    }

    boolean slabkv() {
        return eviction != null;
    }

    public String label() {
        return label;
    }
}
