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
 * Hazard 4 of DESIGN.md: deleted slots must be cleaned (turned back into EMPTY slots inserts can
 * claim) without ever letting an insert claim a slot that another in-flight insert of the same key has
 * already walked past.
 *
 * <p>The interleaving guarded against: inserter X of key K walks K's probe, passes slot q while q is
 * a tombstone (or a slot being cleaned), finds no K and heads for an EMPTY slot further on. The
 * cleaner then empties q, and inserter Y of K, walking after that, takes q as its first EMPTY slot.
 * X and Y both link K: a duplicate. The cleaner's two phases (mark tombstones CLEANING; empty them only
 * after a grace period no inserter spans; an inserter cancels every CLEANING slot it passes) exist
 * to close this window.
 *
 * <p>The home bucket starts as [TOMBSTONE, TOMBSTONE, K, F3, F4, F5, F6] with F7 overflowed into the
 * next bucket, no tombstone marked, and two more tombstones off the probe so that maintenance cleans
 * at all (it does once tombstones fill an eighth of the index). Actor 1 removes K and runs
 * maintenance: a run marks every tombstone CLEANING, the next empties the marked slots, unless an
 * insert in flight holds the epoch back or cancelled the mark. Then it puts K = 1, claiming the first
 * EMPTY slot of the probe: a deleted slot the cleaner emptied. Actor 2 puts K = 2 meanwhile, so its
 * walk may pass those slots in any of their states. Linearizable: remove returns true (K held v0 or
 * v2), and K ends with one copy holding 1 (actor 2's put came before actor 1's) or 2 (after).
 *
 * <p>What these tests caught (fixed in {@code Store.link}): one actor's put read slot 1 as CLEANING;
 * the other actor's maintenance emptied slots 1 and 2 before the put's cancelling CAS (CLEANING
 * &rarr; TOMBSTONE), which failed; the put ignored the failure and walked on as if it had cancelled,
 * taking slot 2 (or an EMPTY slot of the next bucket), while the other actor's put, walking after the
 * cleaning, took slot 1. K twice: outcomes {@code 2, 1, 1, 1, 1} and {@code 2, 2, 1, 1, 1}, about once
 * in 10,000 samples. An inserter whose cancel fails now looks at the slot again.
 *
 * <p>Result: {@code r1} copies of K in the index; {@code r2} K's value (1 or 2); {@code r3} actor
 * 1's remove result; {@code r4} whether K is still found after one remove in the arbiter; {@code r5}
 * whether the other keys and the entry count are as expected.
 */
public final class DeletedSlotReuseTest {

    static final int VALUE_BYTES = 24;
    static final MemorySegment V0 = TinyStores.value(7, VALUE_BYTES);
    static final MemorySegment V1 = TinyStores.value(1, VALUE_BYTES);
    static final MemorySegment V2 = TinyStores.value(2, VALUE_BYTES);
    /** F0, F1, K, F3..F7, all homed at {@link TinyStores#HOME}. */
    static final long[] KEYS = TinyStores.keysHomedAt(TinyStores.HOME, 8, 3_000);
    static final long K = KEYS[2];

    private DeletedSlotReuseTest() {
    }

    /**
     * The setup and the checks; the tests differ in where the maintenance runs. (jcstress finds only
     * the annotated methods a test class declares itself, so each test declares its own arbiter.)
     */
    abstract static class Race {
        final SlabKV kv = TinyStores.open();
        final MemorySegment dst = MemorySegment.ofArray(new byte[VALUE_BYTES]);
        final long[] others = {KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]};
        final long[] gone = {KEYS[0], KEYS[1]};

        Race() {
            for (long k : KEYS) {
                kv.put(k, V0); // F0, F1, K, F3..F6 fill the home bucket, F7 overflows
            }
            kv.remove(KEYS[0]);
            kv.remove(KEYS[1]);
            // Two more tombstones off the probe: with K's, five, enough for maintenance to clean.
            TinyStores.ballast(kv, new long[] {TinyStores.BALLAST[0], TinyStores.BALLAST[1]}, V0);
            TinyStores.expectTombstones(kv, 4);
        }

        final void check(IIIII_Result r) {
            try {
                r.r1 = TinyStores.copies(kv, K);
                r.r2 = TinyStores.valueOf(kv, K, dst, VALUE_BYTES);
                long before = kv.size();
                kv.remove(K);
                r.r4 = kv.containsKey(K) ? 1 : 0;
                r.r5 = TinyStores.holdsExactly(kv, others, gone) && before == others.length + r.r1 ? 1 : 0;
            } finally {
                kv.close();
            }
        }
    }

    @JCStressTest
    @Description("Actor 1: remove K, maintain (mark), maintain (empty), put K = 1. Actor 2: put K = 2. "
            + "Actor 2's walk may pass a deleted slot that actor 1's cleaner empties and actor 1's put claims.")
    @Outcome(id = {"1, 1, 1, 0, 1", "1, 2, 1, 0, 1"}, expect = ACCEPTABLE,
            desc = "One copy of K, holding the value of the put that linearized last.")
    @Outcome(id = "2, .*", expect = FORBIDDEN,
            desc = "Duplicate key: one put claimed a deleted slot the cleaner emptied after the other put "
                    + "had walked past it, and the other linked K further on.")
    @Outcome(id = ".*, .*, .*, 1, .*", expect = FORBIDDEN,
            desc = "K is still found after one remove: a second copy was hidden behind the first.")
    @Outcome(id = "0, .*", expect = FORBIDDEN,
            desc = "Lost update: K is gone although a put of K completed after the remove.")
    @Outcome(expect = FORBIDDEN,
            desc = "The remove missed a live K, a value is wrong, or another key or the entry count was disturbed.")
    @State
    public static class CleanerBetweenRemoveAndPut extends Race {
        @Actor
        public void removeCleanPut(IIIII_Result r) {
            r.r3 = kv.remove(K) ? 1 : 0;
            kv.maintain();
            kv.maintain();
            kv.put(K, V1);
        }

        @Actor
        public void put() {
            kv.put(K, V2);
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @Description("Actor 1: remove K, maintain, put K = 1. Actor 2: maintain, put K = 2. The cleaner's mark "
            + "and empty phases may run on either thread, and one thread's maintenance moves the epoch "
            + "while the other's marks or inserts.")
    @Outcome(id = {"1, 1, 1, 0, 1", "1, 2, 1, 0, 1"}, expect = ACCEPTABLE,
            desc = "One copy of K, holding the value of the put that linearized last.")
    @Outcome(id = "2, .*", expect = FORBIDDEN,
            desc = "Duplicate key: one put claimed a deleted slot the cleaner emptied after the other put "
                    + "had walked past it, and the other linked K further on.")
    @Outcome(id = ".*, .*, .*, 1, .*", expect = FORBIDDEN,
            desc = "K is still found after one remove: a second copy was hidden behind the first.")
    @Outcome(id = "0, .*", expect = FORBIDDEN,
            desc = "Lost update: K is gone although a put of K completed after the remove.")
    @Outcome(expect = FORBIDDEN,
            desc = "The remove missed a live K, a value is wrong, or another key or the entry count was disturbed.")
    @State
    public static class CleanerOnBothThreads extends Race {
        @Actor
        public void removeCleanPut(IIIII_Result r) {
            r.r3 = kv.remove(K) ? 1 : 0;
            kv.maintain();
            kv.put(K, V1);
        }

        @Actor
        public void cleanPut() {
            kv.maintain();
            kv.put(K, V2);
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            check(r);
        }
    }
}
