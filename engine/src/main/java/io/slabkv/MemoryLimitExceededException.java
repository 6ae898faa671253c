package io.slabkv;

/**
 * A put found no room under the store's memory limit. The store is unchanged (nothing of the new
 * entry was written) and stays usable.
 */
public final class MemoryLimitExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MemoryLimitExceededException(String message) {
        super(message);
    }
}
