package io.slabkv.stress.soak;

/**
 * The long mode of the soak (see {@link SoakRunner} for what it checks).
 *
 * <pre>
 * ./slabkv mvn -q -pl ffm-arena,engine,stress -am install -DskipTests
 * java --enable-native-access=ALL-UNNAMED -Xms256m -Xmx256m -XX:+AlwaysPreTouch \
 *      -cp stress/target/jcstress.jar io.slabkv.stress.soak.SoakMain --duration 3600
 * </pre>
 * (A heap that cannot grow keeps the resident-memory check about off-heap memory.)
 *
 * <p>Options: {@code --duration S} seconds of the main phase (default 60); {@code --threads N}
 * (default 4); {@code --keys N} (default 20,000); {@code --limit-mib N} the store's memory limit
 * (default 8); {@code --rss-cycles N} open/fill/close cycles for the resident-memory check (default
 * 8, 0 for none); {@code --rss-cycle-ms N} (default 1,500); {@code --rss-allowance-mib N} (default
 * 24); {@code --seed S}; {@code --leak-stores} (never close a store: a deliberate leak, which the
 * memory checks must report). Exits 1 on any violation, 0 otherwise.
 */
public final class SoakMain {

    private SoakMain() {
    }

    public static void main(String[] args) {
        long duration = 60;
        int threads = 4;
        int keys = 20_000;
        long limitMib = 8;
        int cycles = 8;
        long cycleMs = 1_500;
        long allowanceMib = 24;
        long seed = System.nanoTime();
        boolean leak = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--duration" -> duration = Long.parseLong(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--keys" -> keys = Integer.parseInt(args[++i]);
                case "--limit-mib" -> limitMib = Long.parseLong(args[++i]);
                case "--rss-cycles" -> cycles = Integer.parseInt(args[++i]);
                case "--rss-cycle-ms" -> cycleMs = Long.parseLong(args[++i]);
                case "--rss-allowance-mib" -> allowanceMib = Long.parseLong(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--leak-stores" -> leak = true;
                default -> {
                    System.err.println("unknown option " + args[i] + "; see the javadoc of " + SoakMain.class.getName());
                    System.exit(2);
                }
            }
        }
        SoakRunner.Settings d = SoakRunner.Settings.defaults(duration * 1000, cycles, seed);
        SoakRunner.Settings s = new SoakRunner.Settings(duration * 1000, threads, keys, limitMib << 20,
                d.expectedEntries(), d.pageSize(), d.regionSize(), d.maxValue(), cycles, cycleMs, allowanceMib << 20,
                seed, leak);
        System.out.println("soak: " + s);
        SoakRunner.Report report = new SoakRunner(s).run(System.out);
        System.out.println((report.ok() ? "OK: " : "FAILED: ") + report);
        System.exit(report.ok() ? 0 : 1);
    }
}
