package io.slabkv;

/**
 * The clock TTLs are measured on, in nanoseconds (any origin, monotonic). Tests pass a clock they
 * move by hand.
 */
@FunctionalInterface
public interface TimeSource {

    long nanoTime();

    /** {@link System#nanoTime()}. */
    static TimeSource system() {
        return System::nanoTime;
    }
}
