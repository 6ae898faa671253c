package io.slabkv.bench.replay;

/**
 * One cache under test, driven one request at a time by {@link Replayer}: a get, and on a miss a
 * put of the object at its size. Single-threaded.
 */
interface SimCache extends AutoCloseable {

    /** Reads {@code key}: a hit when it is present with exactly {@code size} bytes. */
    boolean get(long key, int size);

    /** Stores {@code key} with an object of {@code size} bytes (replacing one of another size). */
    void put(long key, int size);

    /** Called after request {@code n} (1-based): maintenance a real deployment would run on its own. */
    default void afterRequest(long n) {
    }

    /** Object bytes held now: the sum of the sizes of the objects present. */
    long payload();

    @Override
    default void close() {
    }
}
