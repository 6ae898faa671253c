package io.slabkv.stress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a fresh JVM: the same {@code java}, the test's class path, the flags given.
 * For runs that need a system property read once per JVM (the fault-injection switches) or a heap
 * of their own (the resident-memory check).
 */
public final class ChildJvm {

    /** What the child did: its exit code (-1 if it had to be killed) and everything it printed. */
    public record Result(int exitCode, String output, long millis) {
    }

    private ChildJvm() {
    }

    public static Result run(Class<?> main, List<String> jvmArgs, List<String> args, long timeoutSeconds) {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(main.getName());
        command.addAll(args);
        long start = System.nanoTime();
        try {
            Path log = Files.createTempFile("slabkv-child-", ".log");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                int code;
                if (p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    code = p.exitValue();
                } else {
                    p.destroyForcibly().waitFor();
                    code = -1;
                }
                String out = Files.readString(log, StandardCharsets.UTF_8);
                return new Result(code, out, (System.nanoTime() - start) / 1_000_000);
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + main.getName(), e);
        }
    }
}
