package io.slabkv.bench.store;

/**
 * A key-value store as the peer benchmarks drive it: 8-byte {@code long} keys, values of one size
 * per store, given when it is opened ({@code valueSize}). One class per store adapts it ({@link SlabKVStore},
 * {@link ConcurrentHashMapStore}, {@link CaffeineStore}, {@link ChronicleMapStore},
 * {@link OhcStore}); each uses its store the way a user who cares about speed would, and says so.
 * <p>
 * The measured calls go through a {@link Client}, one per benchmark thread, which owns the
 * buffers a call needs (the value it puts, the buffer a get copies into). In one benchmark JVM
 * only one implementation is loaded, so these interface calls are monomorphic and inlined.
 */
public interface KvStore extends AutoCloseable {

    /** What {@link Client#get(long)} returns for a key with no entry. */
    int MISS = -1;

    /** A client for the calling thread; created in the thread's setup, never while measuring. */
    Client client();

    /** Entries in the store. */
    long size();

    /**
     * Bytes the store holds outside the Java heap (reserved from the OS, whether filled or not), as
     * the store itself reports them; 0 for on-heap maps. For memory reports, never while measuring.
     */
    default long offHeapBytes() {
        return 0;
    }

    /** A copy of {@code key}'s value, or null; for checks outside measurement only (may allocate). */
    byte[] read(long key);

    @Override
    void close();

    /** One thread's access to the store, with that thread's buffers. */
    interface Client {

        /** Sets the bytes the next {@link #put(long)} stores (setup only). */
        void setValue(byte[] value);

        /** Stores this client's value under {@code key}, replacing any value it had. */
        void put(long key);

        /**
         * Makes {@code key}'s value available to the caller: off-heap stores copy it into the client's
         * buffer, on-heap maps hand back their array.
         *
         * @return the value's length, or {@link #MISS}
         */
        int get(long key);

        /** Removes {@code key}; returns whether it had an entry. */
        boolean remove(long key);
    }
}
