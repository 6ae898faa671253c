package io.slabkv.bench.report;

import io.slabkv.bench.report.JmhResult.Point;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The throughput part of the report, from one JMH file of the peer suite: the headline point
 * ({@link Point#HEADLINE}: 1,000,000 entries, 100-byte values, uniform keys) first, with its chart,
 * then one set of tables per parameter point (entries, valueSize, keys). Every table compares the
 * stores measured in that file only; ratios are slabkv's score over each peer's at the same point.
 */
final class ThroughputSection {

    /** Store display names in report order (slabkv first), as the JMH class names spell them. */
    static final List<String> STORES = List.of("SlabKV", "SlabKVHugePages", "ConcurrentHashMap", "Caffeine", "ChronicleMap",
            "Ohc");
    /** slabkv's variants: each gets its own ratio table against the other stores. */
    static final List<String> SLABKV = List.of("SlabKV", "SlabKVHugePages");
    static final List<String> OPS = List.of("getHit", "getHit2T", "getMiss", "getMiss2T", "putOverwrite",
            "putOverwrite2T", "putNewThenRemove", "putNewThenRemove2T", "mixed90", "mixed902T", "mixed50", "mixed502T");

    private ThroughputSection() {
    }

    /** Appends the section for {@code file} (already parsed: {@code raw}, {@code results}); the charts go to {@code dir}. */
    static void write(StringBuilder md, Path dir, Path file, List<?> raw, List<JmhResult> results) throws IOException {
        Map<Point, Map<String, Map<String, JmhResult>>> byPoint = new TreeMap<>(); // point -> op -> store -> result
        for (JmhResult r : results) {
            if (!r.sampled() && OPS.contains(r.op())) {
                byPoint.computeIfAbsent(r.point(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.op(), k -> new LinkedHashMap<>()).put(r.store(), r);
            }
        }
        if (byPoint.isEmpty()) {
            return;
        }
        Object first = raw.get(0);
        md.append("## Throughput (JMH, `").append(file.getFileName()).append("`)\n\n");
        md.append("JDK ").append(Json.at(first, "jdkVersion")).append(" (").append(Json.at(first, "vmName")).append(' ')
                .append(Json.at(first, "vmVersion")).append("), JMH ").append(Json.at(first, "jmhVersion"))
                .append("; forks ").append(fmtInt(Json.num(first, "forks"))).append(", warm-up ")
                .append(fmtInt(Json.num(first, "warmupIterations"))).append(" x ").append(Json.at(first, "warmupTime"))
                .append(", measurement ").append(fmtInt(Json.num(first, "measurementIterations"))).append(" x ")
                .append(Json.at(first, "measurementTime")).append("; 8-byte keys; parameter points: ")
                .append(pointsSummary(byPoint.keySet()))
                .append(". Error = JMH's 99.9 % confidence half-width (few iterations of one fork: wide; none after a single iteration). ")
                .append("`*2T` = two threads on one store; `mixed90`/`mixed50` = 90 % / 50 % gets, the rest puts, of present keys.\n\n");
        Path load = Path.of(file.toString().replace(".json", ".load"));
        if (Files.exists(load)) {
            md.append("Load average (1, 5, 15 min) before and after the run:\n\n```\n")
                    .append(Files.readString(load).strip()).append("\n```\n\n");
        }
        md.append("Command: `").append(Report.command(file)).append("`\n\n");

        Point headline = byPoint.containsKey(Point.HEADLINE) ? Point.HEADLINE : byPoint.keySet().iterator().next();
        md.append("### Headline: ").append(headline.title()).append("\n\n");
        if (!headline.equals(Point.HEADLINE)) {
            md.append("(This file has no point at ").append(Point.HEADLINE.title()).append(": the first point stands in.)\n\n");
        }
        tables(md, byPoint.get(headline), "####");
        chart(dir.resolve("throughput.png"), headline, byPoint.get(headline));
        md.append("![throughput](throughput.png)\n\n");
        Point zipf = headline.zipf();
        if (!zipf.equals(headline) && byPoint.containsKey(zipf)) {
            md.append("### Headline with Zipf keys: ").append(zipf.title()).append("\n\n");
            tables(md, byPoint.get(zipf), "####");
            chart(dir.resolve("throughput-zipf.png"), zipf, byPoint.get(zipf));
            md.append("![throughput, Zipf keys](throughput-zipf.png)\n\n");
        }
        List<Point> others = new ArrayList<>(byPoint.keySet());
        others.removeAll(List.of(headline, zipf));
        if (!others.isEmpty()) {
            md.append("### Every other parameter point\n\n");
            for (Point p : others) {
                md.append("#### ").append(p.title()).append("\n\n");
                tables(md, byPoint.get(p), "#####");
            }
        }
    }

    /** "entries 10,000 / 1,000,000; valueSize 100; keys uniform, zipf (12 points)". */
    private static String pointsSummary(java.util.Set<Point> points) {
        TreeSet<Long> entries = new TreeSet<>();
        TreeSet<Integer> sizes = new TreeSet<>();
        TreeSet<String> keys = new TreeSet<>();
        for (Point p : points) {
            entries.add(p.entries());
            sizes.add(p.valueSize());
            keys.add(p.keys());
        }
        return String.format(Locale.ROOT, "entries %s; value bytes %s; keys %s (%d point%s)",
                String.join(" / ", entries.stream().map(n -> String.format(Locale.ROOT, "%,d", n)).toList()),
                String.join(" / ", sizes.stream().map(String::valueOf).toList()), String.join(", ", keys), points.size(), points.size() == 1 ? "" : "s");
    }

    /** Ops per microsecond, allocation per op and slabkv's ratios, at one point. */
    private static void tables(StringBuilder md, Map<String, Map<String, JmhResult>> byOp, String h) {
        List<String> ops = ops(byOp);
        List<String> stores = stores(byOp);
        md.append(h).append(" Operations per microsecond (higher is better)\n\n");
        header(md, "benchmark", stores, "");
        for (String op : ops) {
            md.append("| ").append(op).append(" |");
            for (String s : stores) {
                JmhResult r = byOp.get(op).get(s);
                md.append(r == null ? " - |" : Double.isNaN(r.error()) ? String.format(Locale.ROOT, " %.2f |", r.score())
                        : String.format(Locale.ROOT, " %.2f ± %.2f |", r.score(), r.error()));
            }
            md.append('\n');
        }
        md.append('\n').append(h).append(" Allocation per operation, bytes (`gc.alloc.rate.norm`; lower is better)\n\n");
        header(md, "benchmark", stores, "");
        for (String op : ops) {
            md.append("| ").append(op).append(" |");
            for (String s : stores) {
                JmhResult r = byOp.get(op).get(s);
                md.append(r == null || Double.isNaN(r.allocNorm()) ? " - |" : String.format(Locale.ROOT, " %.1f |", r.allocNorm()));
            }
            md.append('\n');
        }
        md.append('\n').append(h).append(" Garbage collections during measurement, count (ms) (`gc.count`, `gc.time`)\n\n");
        header(md, "benchmark", stores, "");
        for (String op : ops) {
            md.append("| ").append(op).append(" |");
            for (String s : stores) {
                JmhResult r = byOp.get(op).get(s);
                if (r == null || Double.isNaN(r.allocNorm())) {
                    md.append(" - |");
                } else {
                    double n = Double.isNaN(r.gcCount()) ? 0 : r.gcCount();
                    double ms = Double.isNaN(r.gcMillis()) ? 0 : r.gcMillis();
                    md.append(String.format(Locale.ROOT, " %.0f (%.0f) |", n, ms));
                }
            }
            md.append('\n');
        }
        List<String> peers = new ArrayList<>(stores);
        peers.removeAll(SLABKV);
        for (String mine : SLABKV) {
            if (stores.contains(mine) && !peers.isEmpty()) {
                ratios(md, byOp, h, ops, mine, peers);
            }
        }
        md.append('\n');
    }

    /** {@code mine}'s score over each peer's, per benchmark. */
    private static void ratios(StringBuilder md, Map<String, Map<String, JmhResult>> byOp, String h, List<String> ops,
                               String mine, List<String> peers) {
        md.append('\n').append(h).append(' ').append(mine.equals("SlabKV") ? "slabkv" : mine)
                .append(" relative to each peer (same run; its score / peer score)\n\n");
        md.append("\"~\" marks a ratio whose two confidence intervals overlap: within the noise of this run, not a measured difference.\n\n");
        header(md, "benchmark", peers, "vs ");
        for (String op : ops) {
            JmhResult me = byOp.get(op).get(mine);
            if (me == null) {
                continue;
            }
            md.append("| ").append(op).append(" |");
            for (String s : peers) {
                JmhResult p = byOp.get(op).get(s);
                if (p == null) {
                    md.append(" - |");
                    continue;
                }
                md.append(String.format(Locale.ROOT, " %s%.2fx |", overlap(me, p) ? "~" : "", me.score() / p.score()));
            }
            md.append('\n');
        }
        md.append('\n');
    }

    /** Whether the two results' confidence intervals overlap (NaN errors, from a single iteration, count as overlapping). */
    static boolean overlap(JmhResult a, JmhResult b) {
        if (Double.isNaN(a.error()) || Double.isNaN(b.error())) {
            return true;
        }
        return a.score() - a.error() <= b.score() + b.error() && b.score() - b.error() <= a.score() + a.error();
    }

    private static void header(StringBuilder md, String first, List<String> columns, String prefix) {
        md.append("| ").append(first).append(" |");
        for (String c : columns) {
            md.append(' ').append(prefix).append(c).append(" |");
        }
        md.append("\n|---|").append("---:|".repeat(columns.size())).append('\n');
    }

    private static List<String> ops(Map<String, Map<String, JmhResult>> byOp) {
        List<String> ops = new ArrayList<>(OPS);
        ops.retainAll(byOp.keySet());
        return ops;
    }

    private static List<String> stores(Map<String, Map<String, JmhResult>> byOp) {
        List<String> stores = new ArrayList<>(STORES);
        stores.removeIf(s -> byOp.values().stream().noneMatch(m -> m.containsKey(s)));
        return stores;
    }

    private static void chart(Path png, Point point, Map<String, Map<String, JmhResult>> byOp) throws IOException {
        List<String> ops = ops(byOp);
        List<String> stores = stores(byOp);
        BarChart c = new BarChart();
        c.title = "Throughput, " + point.title() + " (higher is better; whiskers: 99.9% CI)";
        c.yLabel = byOp.get(ops.get(0)).values().iterator().next().unit();
        c.groups = ops;
        c.series = stores;
        c.values = new double[stores.size()][ops.size()];
        c.errors = new double[stores.size()][ops.size()];
        for (int s = 0; s < stores.size(); s++) {
            for (int k = 0; k < ops.size(); k++) {
                JmhResult r = byOp.get(ops.get(k)).get(stores.get(s));
                c.values[s][k] = r == null ? Double.NaN : r.score();
                c.errors[s][k] = r == null ? Double.NaN : r.error();
            }
        }
        c.width = Math.max(1200, 110 * ops.size());
        c.write(png);
    }

    private static String fmtInt(double d) {
        return Double.isNaN(d) ? "?" : Long.toString((long) d);
    }
}
