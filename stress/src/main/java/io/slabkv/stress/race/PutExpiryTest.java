package io.slabkv.stress.race;

import io.slabkv.SlabKV;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A put of a fresh value against the TTL sweep that removes the key's expired old value.
 *
 * <p>The store runs on a test clock. K holds V1 with a TTL of 10 ns at time 0. One actor puts K = V2
 * with no TTL; the other moves the clock to 1000 (V1 is expired) and runs {@code maintain()}, whose
 * sweep walks every bucket of the tiny index and evicts expired entries. The interleavings guarded
 * against: the sweep loads K's slot while it still names V1 and judges it expired, the put replaces
 * V1 with V2, and the sweep's eviction then removes what the slot holds now, V2 (a fresh entry lost
 * to an expiry sweep); or the put and the sweep both unlink V1 and the put's own link fails, so the
 * put is lost. The sweep must evict only the word it judged (its CAS is from that word), and the put
 * must retry when its CAS meets the sweep's tombstone.
 *
 * <p>Result, all from the arbiter: {@code r1} what a get of K finds (2 V2, 1 V1, 0 a miss, -1 or -2
 * not a value that was put); {@code r2} entries the sweep evicted as expired (1 when it reached V1
 * before the put replaced it, 0 after); {@code r3} entries the store counts (1: K).
 */
public final class PutExpiryTest {

    static final long K = 7;
    static final int VALUE_BYTES = 100;
    static final MemorySegment V1 = RaceStores.value(1, VALUE_BYTES);
    static final MemorySegment V2 = RaceStores.value(2, VALUE_BYTES);

    private PutExpiryTest() {
    }

    @JCStressTest
    @Description("One actor puts K = V2 (no TTL) while the other advances the test clock past the TTL of "
            + "K's old value V1 and runs maintain(): its expiry sweep must never remove the fresh V2.")
    @Outcome(id = "2, 0, 1", expect = ACCEPTABLE,
            desc = "The put replaced V1 before the sweep reached K's slot (the sweep then saw V2, not "
                    + "expired, or its eviction CAS from V1's word failed).")
    @Outcome(id = "2, 1, 1", expect = ACCEPTABLE,
            desc = "The sweep evicted V1 first; the put found a tombstone and inserted V2 anew.")
    @Outcome(id = "0, .*", expect = FORBIDDEN,
            desc = "K is missing: the sweep evicted V2, a fresh entry with no TTL, having judged V1 "
                    + "expired (its eviction did not check the slot still held V1's word), or the put was "
                    + "lost against the sweep's tombstone.")
    @Outcome(id = "1, .*", expect = FORBIDDEN,
            desc = "K reads V1: the put was lost, and an expired value came back.")
    @Outcome(id = "-[12], .*", expect = FORBIDDEN,
            desc = "K reads bytes that are neither V1 nor V2: a chunk freed under the put or the sweep.")
    @Outcome(expect = FORBIDDEN,
            desc = "The entry count is not 1 (an eviction and a replace both took K's old entry off the "
                    + "count, or V2 was linked twice), or the sweep evicted more than V1.")
    @State
    public static class FreshPutAgainstSweep {
        final AtomicLong now = new AtomicLong();
        final SlabKV kv = RaceStores.pages(1).timeSource(now::get).build();
        final MemorySegment dst = MemorySegment.ofArray(new byte[VALUE_BYTES]);

        public FreshPutAgainstSweep() {
            kv.put(K, V1, 10, TimeUnit.NANOSECONDS);
        }

        @Actor
        public void writer() {
            kv.put(K, V2);
        }

        @Actor
        public void sweeper() {
            now.set(1000);
            kv.maintain();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            try {
                r.r1 = RaceStores.valueOf(kv, K, dst, VALUE_BYTES);
                var stats = kv.stats();
                r.r2 = (int) stats.evictionsExpired();
                r.r3 = (int) stats.entries();
            } finally {
                kv.close();
            }
        }
    }
}
