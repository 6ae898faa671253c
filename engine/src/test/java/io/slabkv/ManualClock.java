package io.slabkv;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} that moves only when a test moves it, so TTL expiry is decided by the test.
 * It may start anywhere, including just below {@link Long#MAX_VALUE}: a {@code TimeSource} has "any
 * origin", so a store must compare deadlines with wrapping arithmetic.
 */
final class ManualClock implements TimeSource {

    private final AtomicLong now;

    ManualClock(long origin) {
        this.now = new AtomicLong(origin);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    void advance(long nanos) {
        now.addAndGet(nanos);
    }
}
