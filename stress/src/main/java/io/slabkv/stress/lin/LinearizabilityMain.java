package io.slabkv.stress.lin;

/**
 * The long mode of the linearizability check: runs and checks as many random histories as asked.
 *
 * <pre>
 * ./slabkv mvn -q -pl ffm-arena,engine,stress -am install -DskipTests
 * java --enable-native-access=ALL-UNNAMED -cp stress/target/jcstress.jar \
 *      io.slabkv.stress.lin.LinearizabilityMain --histories 1000000
 * </pre>
 * ({@code jcstress.jar} bundles the stress classes with the engine, the arena and Agrona.)
 *
 * <p>Options: {@code --histories N} (default 100,000), {@code --threads T} (workers per history: 2 up
 * to T, default 3), {@code --ops N} (calls per worker: 1 up to N, default 24), {@code --keys K} (key
 * pool: 1 up to K, default 4), {@code --per-store N} (histories per store on average, default 25),
 * {@code --seed S}, {@code --keep-going} (do not stop at the first failure; stops after ten).
 * Prints the counts (histories, per-key sub-histories, calls, how many calls overlapped another
 * thread's) and every failure with the calls around it; exits 1 if any history is not linearizable
 * or a get returned a torn or foreign value, 0 otherwise.
 */
public final class LinearizabilityMain {

    private LinearizabilityMain() {
    }

    public static void main(String[] args) {
        long histories = 100_000;
        int threads = 3;
        int ops = 24;
        int keys = 4;
        int perStore = 25;
        long seed = System.nanoTime();
        boolean failFast = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--histories" -> histories = Long.parseLong(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--ops" -> ops = Integer.parseInt(args[++i]);
                case "--keys" -> keys = Integer.parseInt(args[++i]);
                case "--per-store" -> perStore = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--keep-going" -> failFast = false;
                default -> {
                    System.err.println("unknown option " + args[i] + "; see the javadoc of " + LinearizabilityMain.class.getName());
                    System.exit(2);
                }
            }
        }
        HistoryRunner.Settings settings = new HistoryRunner.Settings(histories, threads, ops, keys, perStore, seed,
                failFast);
        System.out.println("linearizability: " + settings);
        HistoryRunner.Report report = new HistoryRunner(settings).run(System.out);
        System.out.println((report.ok() ? "OK: " : "FAILED: ") + report);
        System.exit(report.ok() ? 0 : 1);
    }
}
