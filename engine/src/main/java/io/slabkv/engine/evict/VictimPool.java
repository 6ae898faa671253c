package io.slabkv.engine.evict;

/**
 * The best eviction candidates seen so far, kept across sampling rounds (as Redis keeps its eviction
 * pool): each round samples a few buckets, offers their entries, and the pool keeps the
 * {@value #SIZE} lowest scores. A candidate is a slot and the exact word it held; eviction CASes that
 * word away, so a candidate whose slot changed since it was sampled is simply skipped.
 *
 * <p>Not thread-safe: each evicting thread (the monitor, or a put evicting inline) uses its own.
 */
public final class VictimPool {

    public static final int SIZE = 16;
    private final long[] slots = new long[SIZE];
    private final long[] words = new long[SIZE];
    private final double[] scores = new double[SIZE];
    private int size;
    /** Index of the highest score kept; valid while the pool is full. */
    private int worst;

    /** Offers a candidate; keeps it if the pool has room or it beats the worst kept. */
    public void offer(long slot, long word, double score) {
        for (int i = 0; i < size; i++) {
            if (slots[i] == slot) {
                words[i] = word;
                scores[i] = score;
                if (size == SIZE) {
                    findWorst();
                }
                return;
            }
        }
        if (size < SIZE) {
            slots[size] = slot;
            words[size] = word;
            scores[size++] = score;
            if (size == SIZE) {
                findWorst();
            }
            return;
        }
        // Full: the worst is known, so most offers (an evictor offers every entry it samples to its
        // class's pool, see ClassPools) cost one comparison here.
        if (score < scores[worst]) {
            slots[worst] = slot;
            words[worst] = word;
            scores[worst] = score;
            findWorst();
        }
    }

    /** Sets {@code worst} to the index of the highest score kept (the pool is full). */
    private void findWorst() {
        int w = 0;
        for (int i = 1; i < SIZE; i++) {
            if (scores[i] > scores[w]) {
                w = i;
            }
        }
        worst = w;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Candidates kept. */
    public int size() {
        return size;
    }

    /** Index of the lowest score, or -1. */
    public int best() {
        int best = -1;
        for (int i = 0; i < size; i++) {
            if (best < 0 || scores[i] < scores[best]) {
                best = i;
            }
        }
        return best;
    }

    public long slot(int i) {
        return slots[i];
    }

    public long word(int i) {
        return words[i];
    }

    /** The score candidate {@code i} had when it was last offered. */
    public double score(int i) {
        return scores[i];
    }

    /** Removes candidate {@code i}. */
    public void remove(int i) {
        size--;
        slots[i] = slots[size];
        words[i] = words[size];
        scores[i] = scores[size];
    }

    public void clear() {
        size = 0;
    }
}
