package io.slabkv.bench.replay;

/**
 * Replays a trace through one {@link SimCache}: each request is a get; a hit needs the object
 * present at its size; a miss puts it. Objects over {@code maxCacheable} bytes are misses that no
 * cache is asked about (the same for every policy). Every {@code sampleEvery} requests (half a
 * period out of step with the store's maintenance) it samples the payload held.
 */
final class Replayer {

    /** What one replay counted. Payload means are over the samples of the trace's second half. */
    record Counts(long requests, long hits, long bytesRequested, long bytesHit, long uncacheable,
                  double meanPayload, long peakPayload, long samples, long nanos) {

        double objectHitRatio() {
            return requests == 0 ? 0 : (double) hits / requests;
        }

        double byteHitRatio() {
            return bytesRequested == 0 ? 0 : (double) bytesHit / bytesRequested;
        }
    }

    private Replayer() {
    }

    static Counts run(Trace trace, SimCache cache, long maxCacheable, int sampleEvery) {
        long[] keys = trace.keys();
        int[] sizes = trace.sizes();
        int n = keys.length;
        long hits = 0, bytesRequested = 0, bytesHit = 0, uncacheable = 0, peak = 0, sum = 0, samples = 0;
        int phase = sampleEvery / 2;
        SlabKvSim slab = cache instanceof SlabKvSim s ? s : null;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long key = keys[i];
            int size = sizes[i];
            bytesRequested += size;
            if (size > maxCacheable) {
                uncacheable++;
            } else if (cache.get(key, size)) {
                hits++;
                bytesHit += size;
            } else {
                cache.put(key, size);
            }
            long done = i + 1L;
            cache.afterRequest(done);
            if (done % sampleEvery == phase) {
                long p = cache.payload();
                peak = Math.max(peak, p);
                if (i >= n / 2) {
                    sum += p;
                    samples++;
                    if (slab != null) {
                        slab.sampleStats();
                    }
                }
            }
        }
        return new Counts(n, hits, bytesRequested, bytesHit, uncacheable, samples == 0 ? 0 : (double) sum / samples,
                peak, samples, System.nanoTime() - start);
    }
}
