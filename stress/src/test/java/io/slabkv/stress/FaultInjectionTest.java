package io.slabkv.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabkv.stress.lin.LinearizabilityMain;
import io.slabkv.stress.soak.SoakMain;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The suite can fail: each test runs a checker in a child JVM against a deliberately broken store
 * and asserts that the checker reports the bug (a non-zero exit and the failure it names). The
 * breakage comes from fault-injection switches that exist for this test only: system properties
 * read once into {@code static final} fields (so they cost nothing when off, which is always
 * outside this test):
 * <ul>
 *   <li>{@code io.slabkv.unsafe.noGracePeriod} ({@code EpochReclaimer}): retired chunks are freed
 *       at once, without waiting for readers to leave their critical sections;</li>
 *   <li>{@code io.slabkv.unsafe.removeIgnoresLostCas} ({@code Store}): a remove whose unlinking CAS
 *       lost a race reports success instead of reading the slot again.</li>
 * </ul>
 * A third test leaks every store (a flag of the soak itself, no engine switch) to show that the
 * memory checks fail too.
 */
class FaultInjectionTest {

    /** Hazard 2: a reader copies from a chunk that a writer is already reusing. */
    @Test
    void theSoakReportsTornOrForeignValuesWhenChunksSkipTheirGracePeriod() {
        ChildJvm.Result r = ChildJvm.run(SoakMain.class, List.of("-Dio.slabkv.unsafe.noGracePeriod=true"),
                List.of("--duration", "6", "--keys", "1000", "--rss-cycles", "0"), 90);
        System.out.println("soak with -Dio.slabkv.unsafe.noGracePeriod=true (" + r.millis() + " ms):\n" + tail(r.output()));
        assertEquals(1, r.exitCode(), "the soak must fail on the broken store");
        assertTrue(r.output().contains("TORN value") || r.output().contains("FOREIGN value"),
                "the soak names a torn or foreign value");
    }

    /** Two racing removes of one entry both return true: no sequential map does that. */
    @Test
    void theCheckerReportsANonLinearizableHistoryWhenRemoveIgnoresALostCas() {
        ChildJvm.Result r = ChildJvm.run(LinearizabilityMain.class,
                List.of("-Dio.slabkv.unsafe.removeIgnoresLostCas=true"),
                List.of("--histories", "100000", "--keys", "1", "--threads", "2", "--ops", "300"), 90);
        System.out.println("linearizability with -Dio.slabkv.unsafe.removeIgnoresLostCas=true (" + r.millis()
                + " ms):\n" + tail(r.output()));
        assertEquals(1, r.exitCode(), "the checker must fail on the broken store");
        assertTrue(r.output().contains("NOT LINEARIZABLE"), "the checker names a non-linearizable history");
    }

    /** Stores that are never closed: the release check and the resident-memory check both fire. */
    @Test
    void theMemoryChecksReportStoresThatAreNeverClosed() {
        ChildJvm.Result r = ChildJvm.run(SoakMain.class, List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch"),
                List.of("--duration", "1", "--limit-mib", "32", "--keys", "40000", "--rss-cycles", "5",
                        "--rss-cycle-ms", "500", "--rss-allowance-mib", "24", "--leak-stores"), 90);
        System.out.println("soak with --leak-stores (" + r.millis() + " ms):\n" + tail(r.output()));
        assertEquals(1, r.exitCode(), "the soak must fail when stores leak");
        assertTrue(r.output().contains("were not released"), "the page-source check names the bytes kept");
        assertTrue(r.output().contains("resident memory grew"), "the resident-memory check fires");
    }

    private static String tail(String output) {
        String[] lines = output.split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
            sb.append(lines[i].length() > 400 ? lines[i].substring(0, 400) + "..." : lines[i]).append('\n');
        }
        return sb.toString();
    }
}
