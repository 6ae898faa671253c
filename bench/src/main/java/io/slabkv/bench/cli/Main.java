package io.slabkv.bench.cli;

import java.io.Console;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * slabkv's command line: {@code run} (a workload with live figures) and {@code replay} (a cache
 * trace through a store). The {@code ./slabkv} launcher builds the jar and runs this class:
 * {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.slabkv.bench.cli.Main run ...}.
 *
 * <p>Exit codes: 0 done; 1 the command ran and found something wrong (wrong reads) or an internal
 * error; 2 bad arguments or settings the store refused, with a one-line message on stderr.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    static final String USAGE = """
            Usage: slabkv COMMAND [options]

            Commands:
              run       run a workload against a store: live throughput, hit ratio, latency,
                        memory and GC every second, then a summary
              replay    replay a cache access trace through a store: object and byte hit ratio
              help      this text

            'slabkv COMMAND --help' shows a command's options.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        Console console = System.console();
        boolean interactive = console != null && console.isTerminal();
        AtomicBoolean shuttingDown = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C ends a run's measured phase early; the summary still prints before the JVM exits.
        Hooks hooks = run -> Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            run.requestStop();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "slabkv-run-stop"));
        int code = execute(args, System.out, System.err, interactive, hooks);
        System.out.flush();
        System.err.flush();
        finished.countDown();
        if (!shuttingDown.get()) {
            System.exit(code); // not from inside a shutdown: exit would block on the hook
        }
    }

    /** Lets {@link #main} see the command that runs (for Ctrl-C); tests pass {@link #NO_HOOKS}. */
    interface Hooks {
        void onRun(RunCommand run);
    }

    static final Hooks NO_HOOKS = run -> { };

    /** Runs a command line; returns the exit code. Prints nothing but to {@code out} and {@code err}. */
    static int execute(String[] args, PrintStream out, PrintStream err, boolean interactive, Hooks hooks) {
        if (args.length == 0) {
            err.print(USAGE);
            return EXIT_USAGE;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "help", "-h", "--help" -> {
                out.print(USAGE);
                return EXIT_OK;
            }
            case "run" -> {
                return run(rest, out, err, interactive, hooks);
            }
            case "replay" -> {
                return replay(rest, out, err, interactive);
            }
            default -> {
                err.println("slabkv: unknown command '" + command + "'");
                err.print(USAGE);
                return EXIT_USAGE;
            }
        }
    }

    private static int run(String[] args, PrintStream out, PrintStream err, boolean interactive, Hooks hooks) {
        RunOptions options;
        try {
            Args a = Args.parse(args, RunOptions.VALUED, RunOptions.FLAGS);
            if (a.help()) {
                out.print(RunOptions.USAGE);
                return EXIT_OK;
            }
            options = RunOptions.parse(a);
        } catch (UsageException e) {
            return usage("run", e, RunOptions.USAGE, err);
        }
        RunCommand run = new RunCommand(options, out, err, interactive);
        hooks.onRun(run);
        try {
            RunSummary s = run.execute();
            if (s.wrongReads() > 0) {
                err.println("slabkv run: " + Units.count(s.wrongReads()) + " gets returned a value that does not"
                        + " start with its key");
                return EXIT_FAILED;
            }
            return EXIT_OK;
        } catch (CommandException e) {
            out.flush();
            err.println("slabkv run: " + e.getMessage());
            return e.exitCode();
        } catch (RuntimeException | Error e) {
            return internal("run", e, out, err);
        }
    }

    private static int replay(String[] args, PrintStream out, PrintStream err, boolean interactive) {
        ReplayOptions options;
        try {
            Args a = Args.parse(args, ReplayOptions.VALUED, ReplayOptions.FLAGS);
            if (a.help()) {
                out.print(ReplayOptions.USAGE);
                return EXIT_OK;
            }
            options = ReplayOptions.parse(a);
        } catch (UsageException e) {
            return usage("replay", e, ReplayOptions.USAGE, err);
        }
        try {
            new ReplayCommand(options, out, err, interactive).execute();
            return EXIT_OK;
        } catch (CommandException e) {
            out.flush();
            err.println("slabkv replay: " + e.getMessage());
            return e.exitCode();
        } catch (RuntimeException | Error e) {
            return internal("replay", e, out, err);
        }
    }

    private static int usage(String command, UsageException e, String usage, PrintStream err) {
        err.println("slabkv " + command + ": " + e.getMessage());
        err.print(usage);
        return EXIT_USAGE;
    }

    private static int internal(String command, Throwable e, PrintStream out, PrintStream err) {
        out.flush();
        err.println("slabkv " + command + ": internal error: " + e);
        e.printStackTrace(err);
        return EXIT_FAILED;
    }
}
