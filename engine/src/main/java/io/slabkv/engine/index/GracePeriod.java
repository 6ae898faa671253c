package io.slabkv.engine.index;

/**
 * The epoch clock the {@link TombstoneCleaner} waits on: a slot marked at epoch {@code e} may be
 * emptied once {@link #over(long)} says every critical section open at {@code e} has ended.
 */
public interface GracePeriod {

    /** The current epoch. */
    long epoch();

    /** Whether every critical section that was open at {@code since} has ended. */
    boolean over(long since);

    /** Tries to move the epoch forward (does not wait). */
    void hurry();

    /** For a store owned by one thread: nobody else is ever inside a critical section. */
    GracePeriod NONE = new GracePeriod() {
        @Override
        public long epoch() {
            return 0;
        }

        @Override
        public boolean over(long since) {
            return true;
        }

        @Override
        public void hurry() {
        }
    };
}
