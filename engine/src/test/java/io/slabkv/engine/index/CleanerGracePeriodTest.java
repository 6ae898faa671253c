package io.slabkv.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.slabkv.arena.EpochReclaimer;
import io.slabkv.arena.ReadGuard;
import io.slabkv.arena.SharedSlabAllocator;
import io.slabkv.arena.SlabAllocator;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cleaner's promise to inserters: a slot that an insert still in flight walked past does not
 * turn EMPTY, whatever the epoch does while the cleaner marks.
 *
 * <p>The hole: the cleaner read its grace-period start (the epoch) before walking the table to mark
 * tombstones. Another thread moved the epoch on during the walk; an insert entered its critical
 * section at the new epoch and walked past a tombstone the cleaner had not reached yet (so it had
 * nothing to cancel); the cleaner marked it, and two epochs after the <em>old</em> start, one epoch
 * after the insert's, emptied it with the insert still in flight. Another insert of the same key
 * could then claim that slot while the first linked the key further on: a duplicate key. The epoch
 * is read after the walk now.
 *
 * <p>The test drives that interleaving deterministically: the first {@link GracePeriod#epoch()} call
 * of the cleaner moves the epoch on and lets an "inserter" thread enter a critical section and read
 * the table's last slot (which a mark walk reaches last), doing what {@code Store.link} does with
 * what it reads: cancel a CLEANING slot, pass a TOMBSTONE.
 */
class CleanerGracePeriodTest {

    @Test
    void aSlotAnInFlightInserterWalkedPastStaysNonEmptyThoughTheEpochMovedDuringTheMark() throws Exception {
        SharedSlabAllocator allocator = SlabAllocator.builder().memoryLimit(1 << 20).maxMemoryLimit(1 << 20)
                .pageSize(64 << 10).regionSize(256 << 10).buildShared();
        OffHeapIndex index = OffHeapIndex.create(16, false);
        EpochReclaimer epochs = allocator.reclaimer();
        long last = OffHeapIndex.slot(index.buckets() - 1, OffHeapIndex.BUCKET_SLOTS);
        index.casSlot(last, SlotWord.EMPTY, SlotWord.TOMBSTONE);

        SynchronousQueue<Boolean> go = new SynchronousQueue<>();
        SynchronousQueue<Long> passed = new SynchronousQueue<>();
        Thread inserter = new Thread(() -> {
            try {
                go.take();
                ReadGuard guard = allocator.enter();
                try {
                    long w = index.laSlot(last);
                    if (w == SlotWord.CLEANING && index.casSlot(last, SlotWord.CLEANING, SlotWord.TOMBSTONE)) {
                        w = SlotWord.TOMBSTONE;
                    }
                    passed.put(w);
                    go.take(); // in flight until the test has looked
                } finally {
                    guard.exit();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "inserter");
        inserter.start();

        GracePeriod grace = new GracePeriod() {
            boolean started;

            @Override
            public long epoch() {
                long e = epochs.epoch();
                if (!started) {
                    started = true;
                    epochs.tryAdvance(); // another thread's reclaim
                    try {
                        go.put(true);    // an insert starts at the new epoch and walks past the slot
                        passed.take();
                    } catch (InterruptedException ex) {
                        throw new AssertionError(ex);
                    }
                }
                return e;
            }

            @Override
            public boolean over(long since) {
                return epochs.epoch() >= since + 2;
            }

            @Override
            public void hurry() {
                epochs.tryAdvance();
            }
        };
        TombstoneCleaner cleaner = new TombstoneCleaner(index, grace);
        try {
            for (int i = 0; i < 10; i++) {
                cleaner.tryStep(); // marks, then empties whatever its grace period allows
            }
            assertNotEquals(SlotWord.EMPTY, index.laSlot(last),
                    "the slot turned EMPTY behind an insert that walked past it and is still in flight");
        } finally {
            go.put(true);
            inserter.join(TimeUnit.SECONDS.toMillis(10));
        }
        // The insert is done: now the slot is cleaned.
        for (int i = 0; i < 10 && index.laSlot(last) != SlotWord.EMPTY; i++) {
            cleaner.tryStep();
        }
        assertEquals(SlotWord.EMPTY, index.laSlot(last), "the cleaner never emptied the slot");
        allocator.close();
        index.close();
    }
}
