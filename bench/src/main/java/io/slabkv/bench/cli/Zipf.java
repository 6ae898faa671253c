package io.slabkv.bench.cli;

/**
 * Zipf-distributed ranks over {@code [0, n)}, rank 0 the most popular, by the method of Gray et
 * al. ("Quickly generating billion-record synthetic databases", SIGMOD 1994) as YCSB's
 * {@code ZipfianGenerator} uses it: after an O(min(n, 2^22)) set-up, each draw is one
 * {@code Math.pow} and allocates nothing. Immutable: threads share one instance and bring their
 * own uniform random numbers.
 *
 * <p>The probability of rank {@code i} is proportional to {@code 1 / (i + 1)^theta}, for
 * {@code 0 < theta < 1} (the method's range; 0.99 is YCSB's default). Ranks are not keys: a
 * {@link KeyScrambler} spreads them over the key space, so the hot keys are not 0, 1, 2, ...
 * Public for the eviction benchmarks ({@code io.slabkv.bench.evict}), which precompute their draws.
 */
public final class Zipf {

    /** Terms of zeta summed exactly; the rest comes from the Euler-Maclaurin formula. */
    static final long EXACT_TERMS = 1L << 22;

    private final long n;
    private final double alpha;
    private final double zetaN;
    private final double eta;
    private final double secondRankBound;

    public Zipf(long n, double theta) {
        if (n < 1) {
            throw new IllegalArgumentException("item count " + n + " must be at least 1");
        }
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("zipf theta " + theta + " must be between 0 and 1, exclusive");
        }
        this.n = n;
        this.alpha = 1 / (1 - theta);
        this.zetaN = zeta(n, theta);
        double zeta2 = zeta(2, theta);
        this.eta = n <= 2 ? 0 : (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta2 / zetaN);
        this.secondRankBound = 1 + Math.pow(0.5, theta);
    }

    /** The rank for a uniform {@code u} in {@code [0, 1)}. */
    public long rank(double u) {
        double uz = u * zetaN;
        if (uz < 1) {
            return 0;
        }
        if (uz < secondRankBound) {
            return 1;
        }
        long r = (long) (n * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(r, n - 1);
    }

    public long items() {
        return n;
    }

    /** {@code sum 1/i^theta for i = 1..n}: exact up to {@link #EXACT_TERMS}, then Euler-Maclaurin. */
    static double zeta(long n, double theta) {
        return zeta(n, theta, EXACT_TERMS);
    }

    /** {@link #zeta(long, double)} with the first {@code exactTerms} terms summed exactly. */
    static double zeta(long n, double theta, long exactTerms) {
        long m = Math.min(n, exactTerms);
        double sum = 0;
        for (long i = m; i >= 1; i--) { // smallest terms first, for accuracy
            sum += Math.pow(i, -theta);
        }
        if (n > m) {
            double a = m + 1, b = n;
            double integral = (Math.pow(b, 1 - theta) - Math.pow(a, 1 - theta)) / (1 - theta);
            double ends = (Math.pow(a, -theta) + Math.pow(b, -theta)) / 2;
            double slopes = (-theta * Math.pow(b, -theta - 1) + theta * Math.pow(a, -theta - 1)) / 12;
            sum += integral + ends + slopes;
        }
        return sum;
    }
}
