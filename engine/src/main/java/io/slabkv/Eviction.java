package io.slabkv;

/** The eviction policies a store can be built with; all of them rank sampled entries. */
public enum Eviction {
    /**
     * The default: benefit per byte, from decayed frequency, recency and size (GDSF family), behind
     * an admission window (W-TinyLFU): a new entry starts in a window of about 1 % of the store and
     * enters the main region only if, when it leaves the window, it is more frequent than the main
     * region's victim (its reads, plus its key's write history in a frequency sketch of about 4 B
     * per expected entry on the Java heap, outside the memory limit). See
     * {@link SlabKV.Builder#admissionWindow} and {@link SlabKV.Builder#frequencySketch}.
     */
    SIZE_AWARE,
    /** The entry read longest ago goes first. */
    SAMPLED_LRU,
    /** The least frequently read entry goes first (frequencies decay with age). */
    SAMPLED_LFU
}
