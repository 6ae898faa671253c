package io.slabkv.stress.race;

import io.slabkv.SlabKV;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LI_Result;

import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A get against {@code close()}.
 *
 * <p>{@code close()} sets the closed flag, waits (up to a second) for a grace period so that
 * operations already in their epoch critical sections finish, then releases the pages and the index.
 * The interleavings guarded against: the reader passes the closed check, the closer flips the flag
 * and starts its grace period, the reader enters its critical section after the wait began (so the
 * wait does not cover it), and the pages go while the reader copies. The store checks the flag again
 * inside the section (a Dekker pair with close()), so that reader now reports the store closed. The reader must then get an
 * {@link IllegalStateException} from the closed arena, never a crash, a NullPointerException or
 * IndexOutOfBoundsException from torn-down tables, a miss, or a torn value. The store here takes its
 * pages from the default page source, a shared arena per region, so released memory is really gone
 * (the pooled source of the other race tests would hand it to the next store).
 *
 * <p>Result: {@code r1} what the reader's get found: {@code value} (K's complete value), {@code closed}
 * (the store's own "the store is closed"), {@code closed in flight} (another IllegalStateException
 * naming a closed scope: the arena closed under a get already past the check), or what else it
 * found; {@code r2} 1 when, afterwards, the store reports itself closed: {@code stats()} and
 * {@code get} throw IllegalStateException, and a second {@code close()} is a no-op.
 */
public final class GetCloseTest {

    static final long K = 7;
    static final MemorySegment K1 = RaceStores.value(1, RaceStores.PAGE_VALUE);

    private GetCloseTest() {
    }

    @JCStressTest
    @Description("A reader gets K (a value that fills a 4 KiB page) while another thread closes the store.")
    @Outcome(id = "value, 1", expect = ACCEPTABLE,
            desc = "The get ran before close() flipped its flag, or inside its critical section, which "
                    + "close() waited for before releasing memory.")
    @Outcome(id = "closed, 1", expect = ACCEPTABLE,
            desc = "The get came after close() flipped its flag: the store's IllegalStateException.")
    @Outcome(id = "closed in flight, 1", expect = ACCEPTABLE_INTERESTING,
            desc = "The get stayed in its critical section longer than close() waits for it (one second: "
                    + "a reader descheduled that long) and met the closed index or page arena: the FFM "
                    + "runtime's IllegalStateException, as documented. Before the store checked its closed "
                    + "flag again inside the section, a get that entered after the grace period began saw "
                    + "this too (16 in 39,700 samples).")
    @Outcome(id = "miss, .*", expect = FORBIDDEN,
            desc = "A miss for a key that was never removed: the get read an index torn down under it.")
    @Outcome(id = "torn, .*", expect = FORBIDDEN,
            desc = "A value that is not K's: the pages were released (or reused) while the get copied.")
    @Outcome(id = ".*, 0", expect = FORBIDDEN,
            desc = "After close(), stats() or get() did not throw IllegalStateException, or a second close() "
                    + "threw.")
    @Outcome(expect = FORBIDDEN,
            desc = "The get threw something other than IllegalStateException (NullPointerException, "
                    + "IndexOutOfBoundsException, ...), or an IllegalStateException not about closing.")
    @State
    public static class ReadWhileClosing {
        final SlabKV kv = SlabKV.builder()
                .memoryLimit(RaceStores.limit(1))
                .maxMemoryLimit(RaceStores.limit(1))
                .expectedEntries(RaceStores.EXPECTED)
                .pageSize(RaceStores.PAGE)
                .regionSize(RaceStores.PAGE)
                .backgroundMonitor(false)
                .build();
        final MemorySegment dst = MemorySegment.ofArray(new byte[RaceStores.PAGE_VALUE]);

        public ReadWhileClosing() {
            kv.put(K, K1);
        }

        @Actor
        public void reader(LI_Result r) {
            r.r1 = read(kv, dst);
        }

        @Actor
        public void closer() {
            kv.close();
        }

        @Arbiter
        public void arbiter(LI_Result r) {
            r.r2 = reportsClosed(kv, dst) ? 1 : 0;
        }
    }

    static String read(SlabKV kv, MemorySegment dst) {
        try {
            int n = kv.get(K, dst);
            if (n == SlabKV.MISS) {
                return "miss";
            }
            return RaceStores.classify(dst, n, RaceStores.PAGE_VALUE) == 1 ? "value" : "torn";
        } catch (IllegalStateException e) {
            String m = String.valueOf(e.getMessage());
            return m.equals("the store is closed") ? "closed"
                    : m.toLowerCase(java.util.Locale.ROOT).contains("closed") ? "closed in flight"
                    : "IllegalStateException: " + m;
        } catch (Throwable t) {
            return t.getClass().getSimpleName();
        }
    }

    static boolean reportsClosed(SlabKV kv, MemorySegment dst) {
        try {
            kv.stats();
            return false;
        } catch (IllegalStateException expected) {
            // the store says it is closed
        }
        try {
            kv.get(K, dst);
            return false;
        } catch (IllegalStateException expected) {
            // likewise
        }
        try {
            kv.close();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
