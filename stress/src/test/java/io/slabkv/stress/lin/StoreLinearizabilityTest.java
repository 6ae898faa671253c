package io.slabkv.stress.lin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The quick mode of the linearizability check, run by every build: thousands of short random
 * histories on tiny shared stores (collisions, tombstones, cleaning and chunk reuse inside every
 * few histories; see {@link HistoryRunner}), each checked by the {@link LinearizabilityChecker}.
 * The long mode is {@link LinearizabilityMain}.
 */
class StoreLinearizabilityTest {

    @Test
    void shortHistoriesOnTinyStoresAreLinearizable() {
        run(new HistoryRunner.Settings(5_000, 3, 24, 4, 25, seed(), true));
    }

    /** Fewer, longer histories on one or two keys: more calls overlap on the same key. */
    @Test
    void longerHistoriesOnOneOrTwoKeysAreLinearizable() {
        run(new HistoryRunner.Settings(400, 2, 150, 2, 10, seed() + 1, true));
    }

    private static long seed() {
        return Long.getLong("slabkv.seed", System.nanoTime());
    }

    private static void run(HistoryRunner.Settings settings) {
        System.out.println("linearizability: " + settings);
        HistoryRunner.Report report = new HistoryRunner(settings).run(System.out);
        System.out.println("linearizability: " + report);
        assertTrue(report.ok(), () -> String.join("\n\n", report.failures));
        assertTrue(report.histories == settings.histories(), "every history ran");
    }
}
