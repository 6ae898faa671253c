package io.slabkv.stress.index;

import io.slabkv.SlabKV;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Hazard 1 of DESIGN.md: two concurrent first inserts of one key must not land in two slots.
 *
 * <p>The interleaving guarded against: both inserters walk the key's probe, neither finds the key,
 * and they claim <em>different</em> free slots: because each took a different slot for "the first
 * free one" (a tombstone or a slot being cleaned turned free between the two walks, or one inserter
 * reused a deleted slot while the other took an EMPTY one further on), or because one stopped its walk
 * before the bucket where the other linked. Both CASes succeed and the key is in the index twice:
 * {@code forEach} visits it twice, and after one {@code remove} the other copy is still found.
 *
 * <p>The key's home bucket is crowded with other keys homed there, and holds the slot kinds a
 * deleted-slot bug would trip on: two tombstones the cleaner has marked (CLEANING, their grace period
 * already over), one plain tombstone, and in one variant a slot the cleaner has emptied. A third
 * variant frees a slot during the race: one actor removes another key of the full home bucket just
 * before its put, the textbook way to a duplicate when inserts reuse deleted slots. Result:
 * {@code r1} copies of the key in the index; {@code r2} the value a get finds (1 or 2: whose put won);
 * {@code r3} whether the key is still found after one {@code remove}; {@code r4} whether every other
 * key is exactly as the setup left it; {@code r5} entries the store counts minus the live keys expected.
 */
public final class DuplicateInsertTest {

    static final int VALUE_BYTES = 24;
    static final MemorySegment V1 = TinyStores.value(1, VALUE_BYTES);
    static final MemorySegment V2 = TinyStores.value(2, VALUE_BYTES);
    /** Nine fillers homed at {@link TinyStores#HOME}, then the contested key, homed there too. */
    static final long[] KEYS = TinyStores.keysHomedAt(TinyStores.HOME, 10, 1_000);
    static final long KEY = KEYS[9];

    private DuplicateInsertTest() {
    }

    /**
     * A store whose {@link TinyStores#HOME} bucket is crowded; the two puts race on {@link #KEY}. (jcstress
     * finds only the annotated methods a test class declares itself, so each test declares its own.)
     */
    abstract static class Race {
        final SlabKV kv = TinyStores.open();
        final MemorySegment dst = MemorySegment.ofArray(new byte[VALUE_BYTES]);
        final long[] live;
        final long[] gone;

        Race(long[] live, long[] gone) {
            this.live = live;
            this.gone = gone;
        }

        final void fill() {
            for (int i = 0; i < 9; i++) {
                kv.put(KEYS[i], V1); // F0..F6 fill the home bucket, F7 and F8 overflow to the next
            }
        }

        /**
         * Slots 1 and 2 of the home bucket (F0, F1) become CLEANING, with the epoch moved past their
         * grace period, slot 3 (F2) a TOMBSTONE. Two ballast tombstones (marked too) let the maintenance
         * run clean at all.
         */
        final void markAndTombstone() {
            kv.remove(KEYS[0]);
            kv.remove(KEYS[1]);
            TinyStores.ballast(kv, new long[] {TinyStores.BALLAST[0], TinyStores.BALLAST[1]}, V1);
            kv.maintain();                  // marks the four: CLEANING; the epoch moves on two steps
            kv.remove(KEYS[2]);
            TinyStores.expectTombstones(kv, 5);
        }

        final void check(IIIII_Result r) {
            try {
                r.r1 = TinyStores.copies(kv, KEY);
                r.r2 = TinyStores.valueOf(kv, KEY, dst, VALUE_BYTES);
                kv.remove(KEY);
                r.r3 = kv.containsKey(KEY) ? 1 : 0;
                r.r4 = TinyStores.holdsExactly(kv, live, gone) ? 1 : 0;
                r.r5 = (int) kv.size() - live.length;
            } finally {
                kv.close();
            }
        }
    }

    @JCStressTest
    @Description("Home bucket [CLEANING, CLEANING, TOMBSTONE, EMPTY, F4, F5, F6], next bucket [F7, F8, "
            + "EMPTY...]: both inserters walk past three deleted slots to the EMPTY one in the home bucket, "
            + "then on through the next bucket (the home bucket's overflow count is 2) before claiming it.")
    @Outcome(id = {"1, 1, 0, 1, 0", "1, 2, 0, 1, 0"}, expect = ACCEPTABLE,
            desc = "One slot holds the key, with the value of whichever put linearized last; the other put "
                    + "found it (or lost the CAS, walked again and found it) and replaced its value.")
    @Outcome(id = "2, .*", expect = FORBIDDEN,
            desc = "Duplicate key: both inserts claimed a slot. Each saw no copy of the key on its walk.")
    @Outcome(id = ".*, .*, 1, .*, .*", expect = FORBIDDEN,
            desc = "The key is still found after one remove: a second copy was hidden behind the first.")
    @Outcome(expect = FORBIDDEN, desc = "The index lost the key, another key, or its entry count.")
    @State
    public static class EmptySlotInHomeBucket extends Race {
        public EmptySlotInHomeBucket() {
            super(new long[] {KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]},
                    new long[] {KEYS[0], KEYS[1], KEYS[2], KEYS[3]});
            fill();
            kv.remove(KEYS[3]);
            TinyStores.ballast(kv, TinyStores.BALLAST, V1);
            TinyStores.cleanAll(kv);       // slot 4 of the home bucket is EMPTY again
            markAndTombstone();
        }

        @Actor
        public void putOne() {
            kv.put(KEY, V1);
        }

        @Actor
        public void putTwo() {
            kv.put(KEY, V2);
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @Description("Home bucket [CLEANING, CLEANING, TOMBSTONE, F3, F4, F5, F6], next bucket [F7, F8, "
            + "EMPTY...]: the home bucket has no EMPTY slot, so both inserters walk past its three deleted "
            + "slots, raise its overflow count and claim the first EMPTY slot of the next bucket.")
    @Outcome(id = {"1, 1, 0, 1, 0", "1, 2, 0, 1, 0"}, expect = ACCEPTABLE,
            desc = "One slot holds the key, with the value of whichever put linearized last; the other put "
                    + "found it (or lost the CAS, walked again and found it) and replaced its value.")
    @Outcome(id = "2, .*", expect = FORBIDDEN,
            desc = "Duplicate key: both inserts claimed a slot. Each saw no copy of the key on its walk.")
    @Outcome(id = ".*, .*, 1, .*, .*", expect = FORBIDDEN,
            desc = "The key is still found after one remove: a second copy was hidden behind the first.")
    @Outcome(expect = FORBIDDEN, desc = "The index lost the key, another key, or its entry count.")
    @State
    public static class HomeBucketFull extends Race {
        public HomeBucketFull() {
            super(new long[] {KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]},
                    new long[] {KEYS[0], KEYS[1], KEYS[2]});
            fill();
            markAndTombstone();
        }

        @Actor
        public void putOne() {
            kv.put(KEY, V1);
        }

        @Actor
        public void putTwo() {
            kv.put(KEY, V2);
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @Description("Home bucket [F0..F6] full, next bucket [F7, F8, EMPTY...]. Actor 1 removes F3 (a "
            + "tombstone in the home bucket, before the first EMPTY slot) and puts the key; actor 2 puts "
            + "it. An insert that reused the tombstone while the other, having walked before the remove, "
            + "took the EMPTY slot of the next bucket would link the key twice.")
    @Outcome(id = {"1, 1, 0, 1, 0", "1, 2, 0, 1, 0"}, expect = ACCEPTABLE,
            desc = "One slot holds the key, with the value of whichever put linearized last; the other put "
                    + "found it (or lost the CAS, walked again and found it) and replaced its value.")
    @Outcome(id = "2, .*", expect = FORBIDDEN,
            desc = "Duplicate key: one insert took the slot the remove freed, the other the EMPTY slot "
                    + "further on, and neither saw the other's copy.")
    @Outcome(id = ".*, .*, 1, .*, .*", expect = FORBIDDEN,
            desc = "The key is still found after one remove: a second copy was hidden behind the first.")
    @Outcome(expect = FORBIDDEN, desc = "The index lost the key, another key, or its entry count.")
    @State
    public static class DeletedDuringTheRace extends Race {
        public DeletedDuringTheRace() {
            super(new long[] {KEYS[0], KEYS[1], KEYS[2], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]},
                    new long[] {KEYS[3]});
            fill();
            TinyStores.expectTombstones(kv, 0);
        }

        @Actor
        public void removeThenPut() {
            kv.remove(KEYS[3]);
            kv.put(KEY, V1);
        }

        @Actor
        public void put() {
            kv.put(KEY, V2);
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            check(r);
        }
    }
}
