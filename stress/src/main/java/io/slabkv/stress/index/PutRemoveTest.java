package io.slabkv.stress.index;

import io.slabkv.SlabKV;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Hazard 3 of DESIGN.md: a put that races a remove of the same key must not be lost, and must not
 * resurrect the value the remove took.
 *
 * <p>Key K holds v1. One actor puts v2, the other removes K. Both are CASes on K's slot from the word
 * they read; the interleavings guarded against: the put reads FULL(v1), the remove turns the slot into
 * a tombstone, and the put either gives up (lost update: K absent although the put came last) or
 * writes v2 over the tombstone's slot without a CAS (the remove is lost); or the remove reads FULL(v1),
 * the put replaces it with v2, and the remove blindly writes the tombstone (the put is lost) or
 * reports "absent" without looking again.
 *
 * <p>The two linearizable histories: remove then put (remove true, K = v2, and the put inserted K anew:
 * K's old slot is a tombstone, so it walks to the first EMPTY slot, here in the next bucket); put then
 * remove (the put replaced v1 by v2 in place, the remove took v2: remove true, K absent). Either way K
 * had a live entry when the remove ran, so a remove that returns false is lost; and v1 can never
 * survive.
 *
 * <p>Result: {@code r1} the remove's return (1 true); {@code r2} K's value after both (0 absent, 1 or
 * 2); {@code r3} copies of K in the index; {@code r4} whether the other keys and the entry count are
 * as the setup left them.
 */
public final class PutRemoveTest {

    static final int VALUE_BYTES = 24;
    static final MemorySegment V1 = TinyStores.value(1, VALUE_BYTES);
    static final MemorySegment V2 = TinyStores.value(2, VALUE_BYTES);
    /** Six fillers and K, all homed at {@link TinyStores#HOME}. */
    static final long[] KEYS = TinyStores.keysHomedAt(TinyStores.HOME, 7, 2_000);
    static final long K = KEYS[6];

    private PutRemoveTest() {
    }

    @JCStressTest
    @Description("K sits in the middle of its full home bucket [TOMBSTONE, F1, K, F2, F3, F4, F5] (the "
            + "tombstone was F0): a put of K after its remove must walk past both deleted slots and link K "
            + "in the next bucket, raising the home bucket's overflow count.")
    @Outcome(id = "1, 2, 1, 1", expect = ACCEPTABLE,
            desc = "Remove, then put: the remove took v1, the put found no K and inserted v2 afresh.")
    @Outcome(id = "1, 0, 0, 1", expect = ACCEPTABLE,
            desc = "Put, then remove: the put replaced v1 by v2 in place, the remove took v2.")
    @Outcome(id = "0, .*", expect = FORBIDDEN,
            desc = "Lost remove: it reported K absent although K held v1 or v2 throughout.")
    @Outcome(id = ".*, 1, .*", expect = FORBIDDEN,
            desc = "Lost put: v1 survived a put of v2 that completed.")
    @Outcome(id = "1, 0, 1, .*", expect = FORBIDDEN,
            desc = "The index holds K but a get cannot find it: an overflow count stopped the probe early.")
    @Outcome(id = ".*, .*, 2, .*", expect = FORBIDDEN,
            desc = "Duplicate key: the put inserted K anew while the old copy was still linked.")
    @Outcome(expect = FORBIDDEN, desc = "Another key or the entry count was disturbed.")
    @State
    public static class RemoveInFullBucket {
        final SlabKV kv = TinyStores.open();
        final MemorySegment dst = MemorySegment.ofArray(new byte[VALUE_BYTES]);
        final long[] others = {KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]};
        final long[] gone = {KEYS[0]};

        public RemoveInFullBucket() {
            kv.put(KEYS[0], V1);
            kv.put(KEYS[1], V1);
            kv.put(K, V1);
            for (int i = 2; i <= 5; i++) {
                kv.put(KEYS[i], V1);
            }
            kv.remove(KEYS[0]);
            TinyStores.expectTombstones(kv, 1);
        }

        @Actor
        public void put() {
            kv.put(K, V2);
        }

        @Actor
        public void remove(IIII_Result r) {
            r.r1 = kv.remove(K) ? 1 : 0;
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            try {
                r.r2 = TinyStores.valueOf(kv, K, dst, VALUE_BYTES);
                r.r3 = TinyStores.copies(kv, K);
                r.r4 = TinyStores.holdsExactly(kv, others, gone) && kv.size() == others.length + r.r3 ? 1 : 0;
            } finally {
                kv.close();
            }
        }
    }
}
