package io.slabkv.stress.soak;

import io.slabkv.arena.PageSource;
import io.slabkv.arena.Region;
import io.slabkv.arena.SharedArenaPageSource;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default shared-arena page source, counting what the store takes and gives back: after
 * {@code close()} every region reserved must have been released, exactly once.
 */
final class CountingPageSource implements PageSource {

    private final AtomicLong reservedBytes = new AtomicLong();
    private final AtomicLong releasedBytes = new AtomicLong();
    private final AtomicLong regions = new AtomicLong();
    private final AtomicLong doubleReleases = new AtomicLong();

    @Override
    public Region reserve(long bytes, long alignment) {
        Region r = SharedArenaPageSource.INSTANCE.reserve(bytes, alignment);
        reservedBytes.addAndGet(r.memory().byteSize());
        regions.incrementAndGet();
        return new Counted(r);
    }

    @Override
    public boolean confined() {
        return false;
    }

    @Override
    public String name() {
        return "counting(shared-arena)";
    }

    /** Bytes reserved and not released. */
    long outstanding() {
        return reservedBytes.get() - releasedBytes.get();
    }

    long reserved() {
        return reservedBytes.get();
    }

    long regions() {
        return regions.get();
    }

    long doubleReleases() {
        return doubleReleases.get();
    }

    private final class Counted implements Region {
        private final Region region;
        private final AtomicBoolean released = new AtomicBoolean();

        Counted(Region region) {
            this.region = region;
        }

        @Override
        public MemorySegment memory() {
            return region.memory();
        }

        @Override
        public void discard(long offset, long length) {
            region.discard(offset, length);
        }

        @Override
        public void release() {
            if (!released.compareAndSet(false, true)) {
                doubleReleases.incrementAndGet();
                return;
            }
            releasedBytes.addAndGet(region.memory().byteSize());
            region.release();
        }
    }
}
