package io.slabkv;

/** The eviction policies a store can be built with; all of them rank sampled entries. */
public enum Eviction {
    /** The default: benefit per byte, from decayed frequency, recency and size (GDSF family). */
    SIZE_AWARE,
    /** The entry read longest ago goes first. */
    SAMPLED_LRU,
    /** The least frequently read entry goes first (frequencies decay with age). */
    SAMPLED_LFU
}
