package io.slabkv.stress.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabkv.stress.ChildJvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The quick mode of the soak (see {@link SoakRunner}), run by every build; the long mode is
 * {@link SoakMain}.
 */
class SoakTest {

    /** Mixed operations under memory pressure: every read checked, the limit held, every byte back. */
    @Test
    void mixedOperationsUnderPressureReadOnlyWholeValuesOfTheirKeys() {
        long seed = Long.getLong("slabkv.seed", System.nanoTime());
        SoakRunner.Settings settings = SoakRunner.Settings.defaults(14_000, 0, seed);
        System.out.println("soak: " + settings);
        SoakRunner.Report report = new SoakRunner(settings).run(System.out);
        System.out.println("soak: " + report);
        assertTrue(report.ok(), report::toString);
        assertTrue(report.hitsVerified > 1_000, "the soak read back values: " + report.hitsVerified);
        assertTrue(report.evictions > 0, "the store was under pressure: " + report.evictions + " evictions");
        assertEquals(0, report.outstandingAfterClose);
    }

    /**
     * Resident memory across open/fill/close cycles, in a JVM of its own whose heap is fixed and
     * pre-touched, so what could grow is off-heap memory (and the JIT's, which the warm-up absorbs).
     */
    @Test
    void residentMemoryDoesNotGrowAcrossOpenFillCloseCycles() {
        ChildJvm.Result r = ChildJvm.run(SoakMain.class,
                List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch"),
                List.of("--duration", "1", "--limit-mib", "32", "--keys", "40000", "--rss-cycles", "6",
                        "--rss-cycle-ms", "1000", "--rss-allowance-mib", "24"),
                120);
        System.out.println(r.output());
        assertEquals(0, r.exitCode(), "the soak in a child JVM failed (output above)");
        assertTrue(r.output().contains("rss growth after warm-up"), "the child measured resident memory");
    }
}
