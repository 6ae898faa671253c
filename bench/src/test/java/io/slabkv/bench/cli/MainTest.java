package io.slabkv.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and what reaches stdout and stderr, through {@link Main#execute}. */
class MainTest {

    record Outcome(int code, String out, List<String> err) {
    }

    static Outcome main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(args, o, e, false, Main.NO_HOOKS);
        }
        return new Outcome(code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    /** One error line, then the command's usage; nothing on stdout. */
    static void assertUsageError(Outcome r, String firstLine, String usage) {
        assertEquals(Main.EXIT_USAGE, r.code(), () -> "exit code; stderr: " + r.err());
        assertEquals(firstLine, r.err().getFirst());
        assertEquals(usage.lines().toList(), r.err().subList(1, r.err().size()));
        assertEquals("", r.out());
    }

    @Test
    void helpAndCommands() {
        Outcome r = main("--help");
        assertEquals(0, r.code());
        assertEquals(Main.USAGE, r.out());
        assertEquals(0, main("help").code());
        Outcome none = main();
        assertEquals(Main.EXIT_USAGE, none.code());
        assertEquals(Main.USAGE.lines().toList(), none.err());
        Outcome unknown = main("frob");
        assertEquals(Main.EXIT_USAGE, unknown.code());
        assertEquals("slabkv: unknown command 'frob'", unknown.err().getFirst());
    }

    @Test
    void subcommandHelp() {
        Outcome run = main("run", "--help");
        assertEquals(0, run.code());
        assertEquals(RunOptions.USAGE, run.out());
        Outcome replay = main("replay", "-h");
        assertEquals(0, replay.code());
        assertEquals(ReplayOptions.USAGE, replay.out());
    }

    @Test
    void runBadArguments() {
        assertUsageError(main("run", "--bogus"), "slabkv run: unknown option '--bogus'", RunOptions.USAGE);
        assertUsageError(main("run", "--value-size", "-1"),
                "slabkv run: --value-size -1 is negative: a size is 0 bytes or more", RunOptions.USAGE);
        assertUsageError(main("run", "--limit=4KiB"), "slabkv run: --limit 4KiB is smaller than one page (64.0 KiB):"
                + " the store needs at least a page beside its index", RunOptions.USAGE);
        assertUsageError(main("run", "--keys", "lots"),
                "slabkv run: --keys 'lots' is not a number (for example 10000, 1_000_000, 1m)", RunOptions.USAGE);
        assertUsageError(main("run", "--threads"), "slabkv run: option --threads needs a value", RunOptions.USAGE);
    }

    @Test
    void storeRefusesALimitTooSmallForTheIndex() {
        Outcome r = main("run", "--keys", "10m", "--limit", "2MiB", "--duration", "1s");
        assertEquals(Main.EXIT_USAGE, r.code());
        assertEquals(1, r.err().size(), () -> "one line: " + r.err());
        assertTrue(r.err().getFirst().startsWith("slabkv run: memory limit 2097152 is too small: the index for"
                + " 10000000 expected entries takes "), r.err().getFirst());
    }

    @Test
    void replayBadArguments(@TempDir Path dir) {
        Path missing = dir.resolve("missing.trace.gz");
        assertUsageError(main("replay", missing.toString()),
                "slabkv replay: trace file '" + missing + "' does not exist", ReplayOptions.USAGE);
        assertUsageError(main("replay"), "slabkv replay: missing TRACE: the trace file to replay (for example"
                + " ../shared/traces/lirs_sprite.trace.gz)", ReplayOptions.USAGE);
        assertUsageError(main("replay", dir.toString()), "slabkv replay: trace '" + dir + "' is not a readable file",
                ReplayOptions.USAGE);
    }

    @Test
    void replayOptionErrors(@TempDir Path dir) throws IOException {
        Path trace = Files.writeString(dir.resolve("t.txt"), "1\n2\n");
        String t = trace.toString();
        assertUsageError(main("replay", t, "--budget", "10KiB"),
                "slabkv replay: --budget 10KiB is smaller than one page (64.0 KiB)", ReplayOptions.USAGE);
        assertUsageError(main("replay", t, "--page-size", "3000"),
                "slabkv replay: --page-size 3000 must be a power of two from 4.00 KiB to 1.00 GiB", ReplayOptions.USAGE);
        assertUsageError(main("replay", t, "--format", "csv"),
                "slabkv replay: --format 'csv' must be auto, keys, int32 or time-id-size", ReplayOptions.USAGE);
        assertUsageError(main("replay", t, t), "slabkv replay: unexpected argument '" + t
                + "': replay takes one TRACE", ReplayOptions.USAGE);
        assertUsageError(main("replay", t, "--value-size", "5MiB"), "slabkv replay: --value-size 5MiB is too large:"
                + " a value must fit the largest entry (4.00 MiB, one region of pages) with its key and header, so at"
                + " most 4,194,288 bytes",
                ReplayOptions.USAGE);
        assertUsageError(main("replay", t, "--requests", "0"), "slabkv replay: --requests 0 must be at least 1",
                ReplayOptions.USAGE);
    }

    @Test
    void malformedTraceIsOneLine(@TempDir Path dir) throws IOException {
        Path trace = Files.writeString(dir.resolve("bad.txt"), "1\n2x\n");
        Outcome r = main("replay", trace.toString());
        assertEquals(Main.EXIT_USAGE, r.code());
        assertEquals(List.of("slabkv replay: cannot read trace '" + trace + "': line 2: unexpected 'x' in the key"),
                r.err());
    }
}
