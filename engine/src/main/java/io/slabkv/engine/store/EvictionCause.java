package io.slabkv.engine.store;

/** Why an entry left the store without a remove. */
public enum EvictionCause {
    /** The monitor found pressure above the high watermark. */
    PRESSURE,
    /** A put found no room and evicted on its own thread. */
    INLINE,
    /** The entry's TTL had passed (monitor sweep or a write that met it). */
    EXPIRY,
    /** Its page was emptied for another size class, or to release memory under a lower limit. */
    PAGE_RECYCLE
}
