package io.slabkv.engine.index;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns tombstones back into EMPTY slots so inserts always find room near their home bucket
 * (hazard 4 of DESIGN.md), without ever letting two inserts of one key land in two slots.
 *
 * <h2>The danger</h2>
 * Concurrent inserts of one key agree on where it goes because they all claim the <em>first</em>
 * EMPTY slot of the probe, and no slot becomes EMPTY while they walk. If a tombstone that one
 * inserter already walked past became EMPTY, a second inserter of the same key would claim it
 * while the first claims a later slot: a duplicate key.
 *
 * <h2>Two phases</h2>
 * <ol>
 *   <li><b>Mark</b>: tombstones are CASed to CLEANING and the epoch is noted. Readers and removers
 *       pass CLEANING like a tombstone; an inserter that walks past one CASes it back to TOMBSTONE
 *       first. So an inserter that starts after the mark leaves no CLEANING slot behind it.</li>
 *   <li><b>Empty</b>: once the grace period since the mark is over, every inserter that started
 *       before the mark has finished; each slot still CLEANING is CASed to EMPTY. A slot an inserter
 *       cancelled fails the CAS and waits for a later round.</li>
 * </ol>
 * Probes end by overflow counts, not at EMPTY slots, so emptying a slot never hides a key.
 *
 * <p>One thread cleans at a time ({@link #tryStep()} skips when another is at it). A mark walks the
 * whole table (about a millisecond per million slots), so cleaning runs on maintenance paths and
 * when an insert walked far, never on every operation.
 */
public final class TombstoneCleaner {

    private final OffHeapIndex index;
    private final GracePeriod grace;
    private final AtomicBoolean busy = new AtomicBoolean();
    private long[] marked = new long[256];
    private int markedCount;
    private long markedAt = -1;

    public TombstoneCleaner(OffHeapIndex index, GracePeriod grace) {
        this.index = index;
        this.grace = grace;
    }

    /**
     * Does one phase if nobody else is cleaning: empties the marked slots if their grace period is
     * over, else marks tombstones if none are waiting.
     *
     * @return slots emptied
     */
    public long tryStep() {
        if (!busy.compareAndSet(false, true)) {
            return 0;
        }
        try {
            if (markedCount > 0) {
                if (!grace.over(markedAt)) {
                    grace.hurry();
                    return 0;
                }
                return empty();
            }
            mark();
            return 0;
        } finally {
            busy.set(false);
        }
    }

    /**
     * Marks and empties, waiting out the grace period. The calling thread must not be inside a
     * critical section, or it would wait for itself.
     *
     * @return slots emptied
     */
    public long cleanFully() {
        while (!busy.compareAndSet(false, true)) {
            Thread.onSpinWait();
        }
        try {
            long emptied = 0;
            // A round marked earlier (by tryStep) is finished first; then every slot that is a
            // tombstone now gets a round of its own. Finishing only the earlier round was not enough:
            // an insert that found no EMPTY slot had walked the whole table, cancelling every mark
            // on its way (CLEANING -> TOMBSTONE), so that round emptied nothing and the insert
            // failed, or evicted, although the table was full of tombstones.
            if (markedCount > 0) {
                awaitGrace();
                emptied += empty();
            }
            if (mark() > 0) {
                awaitGrace();
                emptied += empty();
            }
            return emptied;
        } finally {
            busy.set(false);
        }
    }

    private void awaitGrace() {
        for (int spins = 0; !grace.over(markedAt); spins++) {
            grace.hurry();
            if (spins > 100) {
                Thread.yield();
            }
        }
    }

    private long mark() {
        long buckets = index.buckets();
        for (long b = 0; b < buckets; b++) {
            for (int s = 1; s <= OffHeapIndex.BUCKET_SLOTS; s++) {
                long slot = OffHeapIndex.slot(b, s);
                // CAS TOMBSTONE -> CLEANING: from now on an inserter that walks past it cancels it.
                if (index.laSlot(slot) == SlotWord.TOMBSTONE
                        && index.casSlot(slot, SlotWord.TOMBSTONE, SlotWord.CLEANING)) {
                    if (markedCount == marked.length) {
                        marked = Arrays.copyOf(marked, markedCount * 2);
                    }
                    marked[markedCount++] = slot;
                }
            }
        }
        // The grace period starts after the last mark, not before the first. An inserter that read a
        // slot as TOMBSTONE just before the slot's mark entered its critical section at an epoch no
        // later than now; but the epoch moves on while we walk (other threads' retirements, reclaims
        // and allocations advance it), so an epoch read before the walk can be older than that
        // inserter's, and markedAt + 2 then comes while the inserter is still in flight: the slot
        // turns EMPTY behind it, for another insert of its key to claim (a duplicate key).
        markedAt = grace.epoch();
        return markedCount;
    }

    private long empty() {
        long emptied = 0;
        for (int i = 0; i < markedCount; i++) {
            // CAS CLEANING -> EMPTY: every inserter that could have walked past this slot before the
            // mark has finished; any that walked past it since cancelled it and makes this CAS fail,
            // or, when this CAS comes first, fails its cancel and looks at the slot again (Store.link).
            if (index.casSlot(marked[i], SlotWord.CLEANING, SlotWord.EMPTY)) {
                emptied++;
            }
        }
        index.tombstones.add(-emptied);
        markedCount = 0;
        return emptied;
    }
}
