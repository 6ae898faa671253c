package io.slabkv.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One result of a JMH JSON file of the peer suite, as the report reads it: which store and operation,
 * at which parameter point, in which mode, and its figures.
 *
 * @param store      the class name without "Benchmark" ({@code SlabKV}, {@code ConcurrentHashMap}, ...)
 * @param op         the method ({@code getHit}, {@code mixed902T}, ...)
 * @param mode       JMH's mode: {@code thrpt}, {@code sample}, ...
 * @param allocNorm  {@code gc.alloc.rate.norm} (B/op), NaN without {@code -prof gc}
 * @param run        the JSON object, for anything else (percentiles)
 */
record JmhResult(String store, String op, String mode, Point point, double score, double error, String unit,
                 double allocNorm, Object run) {

    /**
     * A parameter point of the suite. Files written before {@code valueSize} and {@code keys} existed
     * had 100-byte values and uniform keys: a missing parameter reads as those.
     */
    record Point(long entries, int valueSize, String keys) implements Comparable<Point> {

        /** The point of the headline table and chart. */
        static final Point HEADLINE = new Point(1_000_000, 100, "uniform");

        String title() {
            return String.format(Locale.ROOT, "%,d entries, %d-byte values, %s keys", entries, valueSize,
                    keys.equals("zipf") ? "Zipf (0.99)" : keys);
        }

        /** The same point with Zipf keys. */
        Point zipf() {
            return new Point(entries, valueSize, "zipf");
        }

        @Override
        public int compareTo(Point o) {
            int c = Long.compare(entries, o.entries);
            if (c == 0) {
                c = Integer.compare(valueSize, o.valueSize);
            }
            return c != 0 ? c : keys.compareTo(o.keys); // uniform before zipf
        }
    }

    static List<JmhResult> read(List<?> runs) {
        List<JmhResult> out = new ArrayList<>();
        for (Object r : runs) {
            String bench = (String) Json.at(r, "benchmark");
            String cls = bench.substring(0, bench.lastIndexOf('.'));
            Object entries = Json.at(r, "params", "entries");
            Object valueSize = Json.at(r, "params", "valueSize");
            Object keys = Json.at(r, "params", "keys");
            Point p = new Point(entries == null ? 0 : Long.parseLong(entries.toString()),
                    valueSize == null ? 100 : Integer.parseInt(valueSize.toString()),
                    keys == null ? "uniform" : keys.toString());
            out.add(new JmhResult(cls.substring(cls.lastIndexOf('.') + 1).replace("Benchmark", ""),
                    bench.substring(bench.lastIndexOf('.') + 1), String.valueOf(Json.at(r, "mode")), p,
                    Json.num(r, "primaryMetric", "score"), Json.num(r, "primaryMetric", "scoreError"),
                    (String) Json.at(r, "primaryMetric", "scoreUnit"), secondary(r, "gc.alloc.rate.norm"), r));
        }
        return out;
    }

    static List<?> parse(Path file) throws IOException {
        return (List<?>) Json.parse(Files.readString(file));
    }

    boolean sampled() {
        return mode.equals("sample");
    }

    /** A percentile of a SampleTime result ({@code "99.9"}), NaN if absent. */
    double percentile(String p) {
        return Json.num(run, "primaryMetric", "scorePercentiles", p);
    }

    /** Garbage collections during the measurement iterations ({@code -prof gc} {@code gc.count}), NaN without. */
    double gcCount() {
        return secondary(run, "gc.count");
    }

    /** Milliseconds spent in those collections ({@code gc.time}), NaN without (or when there were none). */
    double gcMillis() {
        return secondary(run, "gc.time");
    }

    /** A {@code -prof gc} metric's score; JMH 1.37 writes "gc.alloc.rate.norm", older ones "·gc.alloc.rate.norm". */
    private static double secondary(Object run, String name) {
        double v = Json.num(run, "secondaryMetrics", name, "score");
        return Double.isNaN(v) ? Json.num(run, "secondaryMetrics", "\u00b7" + name, "score") : v;
    }
}
