package io.slabkv.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code slabkv run} in process, for a second or two, with small settings. */
class RunCommandTest {

    private static final Pattern OPERATIONS = Pattern.compile(
            "(?m)^  operations  ([\\d,]+) = ([\\d,]+) hits \\+ ([\\d,]+) misses \\+ ([\\d,]+) writes; ([\\d,]+) ops/s$");
    private static final Pattern HIT_RATIO = Pattern.compile("(?m)^  hit ratio   ([\\d.]+) \\(([\\d,]+) gets\\)$");
    private static final Pattern LIVE = Pattern.compile("(?m)^ +\\d+\\.\\ds +[\\d,]+ +(?:[\\d.]+|-) ");

    record Run(RunSummary summary, String out) {
    }

    static Run run(String... args) throws Exception {
        RunOptions o = RunOptions.parse(Args.parse(args, RunOptions.VALUED, RunOptions.FLAGS));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RunSummary s;
        try (PrintStream po = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            s = new RunCommand(o, po, pe, false).execute();
        }
        return new Run(s, out.toString(StandardCharsets.UTF_8));
    }

    private static long number(String s) {
        return Long.parseLong(s.replace(",", ""));
    }

    /** The figures agree with each other, with the latency histograms, with the store's own counters and with what was printed. */
    static void assertConsistent(Run r, long keys, boolean ttl) {
        RunSummary s = r.summary();
        assertTrue(s.operations() > 0, "some operations ran");
        assertEquals(s.hits() + s.misses() + s.writes(), s.operations());
        assertEquals(s.hits() + s.misses(), s.readLatency().getTotalCount(), "one latency per get");
        assertEquals(s.writes(), s.writeLatency().getTotalCount(), "one latency per put");
        assertEquals(0, s.wrongReads(), "gets return their key's value");
        double hr = s.hitRatio();
        assertTrue(hr >= 0 && hr <= 1, "hit ratio " + hr);
        if (!ttl) {
            assertEquals(0, s.misses(), "every key was preloaded and nothing expires");
        }
        assertNotNull(s.stats());
        assertEquals(s.hits(), s.stats().hits(), "the store counted the same hits");
        assertEquals(s.misses(), s.stats().misses(), "the store counted the same misses");
        assertEquals(keys + s.writes(), s.stats().puts(), "preload plus the run's writes");
        assertTrue(s.stats().entries() <= keys);

        Matcher m = OPERATIONS.matcher(r.out());
        assertTrue(m.find(), r.out());
        long ops = number(m.group(1)), hits = number(m.group(2)), misses = number(m.group(3)),
                writes = number(m.group(4));
        assertEquals(ops, hits + misses + writes, "printed operations = hits + misses + writes");
        assertEquals(s.operations(), ops);
        assertEquals(s.hits(), hits);
        Matcher h = HIT_RATIO.matcher(r.out());
        assertTrue(h.find(), r.out());
        double printed = Double.parseDouble(h.group(1));
        assertTrue(printed >= 0 && printed <= 1, "printed hit ratio " + printed);
        assertEquals(hits + misses, number(h.group(2)));
        assertTrue(LIVE.matcher(r.out()).find(), "a live line: " + r.out());
        assertTrue(r.out().contains("preloaded " + Units.count(keys) + " keys"), r.out());
    }

    @Test
    void sharedOneThread() throws Exception {
        Run r = run("--keys", "10000", "--threads", "1", "--limit", "16MiB", "--duration", "1500ms");
        assertConsistent(r, 10_000, false);
        assertEquals(10_000, r.summary().stats().entries());
        assertEquals(1, r.summary().hitRatio());
        assertTrue(r.out().contains("summary: 1."), r.out());
    }

    @Test
    void confinedWithTtlAndValueRange() throws Exception {
        Run r = run("--keys", "10000", "--confined", "--limit", "32MiB", "--duration", "1s", "--ttl", "300ms",
                "--value-size", "8..600", "--read-ratio", "0.8");
        assertConsistent(r, 10_000, true);
        assertTrue(r.out().contains("confined store"), r.out());
    }

    @Test
    void twoThreadsUniform() throws Exception {
        Run r = run("--keys", "10000", "--threads", "2", "--limit", "16MiB", "--duration", "1s",
                "--distribution", "uniform", "--read-ratio", "50%", "--value-size", "0..16");
        assertConsistent(r, 10_000, false);
    }

    @Test
    void stopRequestEndsTheRunEarlyWithASummary() throws Exception {
        RunOptions o = RunOptions.parse(Args.parse(new String[] {"--keys", "1000", "--threads", "1", "--limit",
                "8MiB", "--duration", "60s"}, RunOptions.VALUED, RunOptions.FLAGS));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunCommand run = new RunCommand(o, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        CompletableFuture<RunSummary> f = CompletableFuture.supplyAsync(() -> {
            try {
                return run.execute();
            } catch (CommandException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1500);
        run.requestStop();
        RunSummary s = f.get(20, TimeUnit.SECONDS);
        assertTrue(s.stoppedEarly());
        assertTrue(s.seconds() < 30, "stopped at " + s.seconds() + " s");
        assertEquals(s.hits() + s.misses() + s.writes(), s.operations());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("(stopped early)"));
    }
}
