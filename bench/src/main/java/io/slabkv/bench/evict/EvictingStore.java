package io.slabkv.bench.evict;

/**
 * A store bounded by a memory limit, as the eviction benchmarks drive it: 8-byte {@code long} keys,
 * {@link Payload} values. One class per store ({@link SlabKVEvictingStore},
 * {@link CaffeineEvictingStore}, {@link OhcEvictingStore}); each is built from the number of
 * entries it should hold at its limit and computes its own limit from that, in its own unit, so
 * that all three hold about the same entries (the benchmark checks it after loading).
 * <p>
 * The measured calls go through a {@link Client}, one per benchmark thread, which owns the buffers
 * a call needs. Only one implementation is loaded per benchmark JVM, so the calls are monomorphic.
 */
interface EvictingStore extends AutoCloseable {

    /** What {@link Client#get(long)} returns for a key with no entry. */
    int MISS = -1;

    /** A client for the calling thread; made in setup, never while measuring. */
    Client client();

    /** Entries held now. Outside measurement only. */
    long entries();

    /**
     * Lets eviction that runs behind the callers' backs catch up (a monitor thread, a maintenance
     * executor), so {@link #entries()} reads the store at rest. Outside measurement only.
     */
    void settle();

    /** What the store charges against its limit now, in the limit's unit. Outside measurement only. */
    long charged();

    /** The limit the store was built with, in its own unit (bytes or weight). */
    long limit();

    /** The limit and how it was computed, for the setup report. */
    String describeLimit();

    @Override
    void close();

    /** One thread's access to the store, with that thread's buffers. */
    interface Client {

        /**
         * Makes {@code key}'s value available to the caller (copied into the client's buffer by the
         * off-heap stores, the cached array handed back by Caffeine).
         *
         * @return the value's length, or {@link #MISS}
         */
        int get(long key);

        /** Stores {@code key}'s value ({@link Payload}), replacing any value it had. */
        void put(long key);

        /** A copy of the value the last successful {@link #get(long)} produced. Checks only. */
        byte[] lastValue();
    }
}
