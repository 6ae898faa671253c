package io.slabkv.arena;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * Epoch-based reclamation: memory retired at global epoch {@code E} is reused only once the global
 * epoch has reached {@code E + 2}.
 *
 * <h2>Protocol</h2>
 * A thread about to read shared chunks calls {@link #enter()}: it announces the global epoch it
 * saw in its own {@link Guard} slot with a volatile store (so every later read of the index is
 * ordered after the announcement), reads, then calls {@link Guard#exit()}, which stores
 * {@link #QUIESCENT} with release semantics (its reads are done before the slot says so).
 * <p>
 * The global epoch advances from {@code E} to {@code E + 1} only when every guard that is inside a
 * critical section has announced {@code E}. So once the epoch is {@code E + 2}, every thread that
 * was reading when a chunk was retired at {@code E} has left that critical section, and any thread
 * that entered later started after the chunk was unlinked and cannot reach it.
 * <p>
 * Retired memory waits in the retiring thread's limbo list (a plain {@code long[]}, guarded by the
 * guard's monitor, which only its owner and {@link #reclaimAll()} take). Frees happen outside that
 * monitor, so a free may take allocator locks without any lock-order cycle.
 * <p>
 * Guards belong to threads through a {@link ThreadLocal}; the guard of a dead thread is adopted
 * (limbo list and all) by the next thread that registers, so the registry does not grow with thread
 * churn.
 */
public final class EpochReclaimer {

    /** The value of a guard that is outside any critical section. */
    static final long QUIESCENT = 0L;
    private static final long FIRST_EPOCH = 2L;
    /** Retired items a thread collects before it tries to advance the epoch and free some. */
    static final int RECLAIM_BATCH = 64;
    /**
     * Retired chunk bytes that make a batch too, however few the chunks: the chunks a thread has in
     * limbo are memory it writes again soon, and 64 chunks of 64 KiB values (about 3 batches, 15 MiB,
     * in rotation) no longer fit the caches a put's copy writes through.
     */
    static final long RECLAIM_BYTES = 256 << 10;
    /**
     * FAULT INJECTION, for the stress suite only: {@code -Dio.slabkv.unsafe.noGracePeriod=true}
     * frees retired chunks at once, skipping the grace period, so a reader can copy out of a chunk
     * that a writer is already reusing (hazard 2 of DESIGN.md: torn and foreign values). The stress
     * suite turns it on in a child JVM to prove that its soak and jcstress tests catch that bug.
     * Read once into a static final: off (always, outside those tests) the JIT folds it away.
     */
    static final boolean NO_GRACE_PERIOD = Boolean.getBoolean("io.slabkv.unsafe.noGracePeriod");

    private static final VarHandle EPOCH;
    private static final VarHandle ANNOUNCED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            EPOCH = l.findVarHandle(EpochReclaimer.class, "epoch", long.class);
            ANNOUNCED = l.findVarHandle(Guard.class, "announced", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Where reclaimed memory goes once its grace period is over. */
    interface Sink {
        void freeChunk(long handle);

        void returnPage(int page);
    }

    @SuppressWarnings("unused") // accessed through EPOCH
    private volatile long epoch = FIRST_EPOCH;
    private volatile Guard[] guards = new Guard[0];
    private final ThreadLocal<Guard> local = ThreadLocal.withInitial(this::register);
    private final Sink sink;

    EpochReclaimer(Sink sink) {
        this.sink = sink;
    }

    /** Enters a critical section on the calling thread; nests. Never allocates after a thread's first call. */
    public Guard enter() {
        Guard g = local.get();
        if (g.depth++ == 0) {
            // Volatile store: the announcement is visible before any read this thread makes next.
            ANNOUNCED.setVolatile(g, (long) EPOCH.getVolatile(this));
        }
        return g;
    }

    /** Whether the calling thread is inside a critical section of this reclaimer. */
    public boolean inCriticalSection() {
        return local.get().depth > 0;
    }

    /**
     * Waits until every critical section open now has ended (the epoch moved two steps), for at
     * most {@code timeoutNanos}. The calling thread must not be inside one itself.
     *
     * @return whether the grace period ended in time
     */
    public boolean awaitGracePeriod(long timeoutNanos) {
        long target = epoch() + 2;
        long deadline = System.nanoTime() + timeoutNanos;
        for (int spins = 0; epoch() < target; spins++) {
            if (!tryAdvance()) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                if (spins > 100) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            }
        }
        return true;
    }

    /** The current global epoch. */
    public long epoch() {
        return (long) EPOCH.getVolatile(this);
    }

    /** {@link #retireChunk(long, long)} of a chunk whose size does not matter (tests). */
    void retireChunk(long handle) {
        retireChunk(handle, 0);
    }

    /**
     * Retires a chunk handle of {@code bytes} bytes; it is freed two epochs from now. Every
     * {@value #RECLAIM_BATCH} retirements, or {@value #RECLAIM_BYTES} bytes retired, the thread tries
     * to advance the epoch and frees what has become safe.
     */
    void retireChunk(long handle, long bytes) {
        if (NO_GRACE_PERIOD) {
            sink.freeChunk(handle); // the injected fault: readers in their critical sections are ignored
            return;
        }
        Guard g = local.get();
        boolean full;
        synchronized (g) {
            g.bytesRetired += bytes;
            full = g.add(handle, epoch()) >= g.nextReclaimAt || g.bytesRetired >= g.nextReclaimBytes;
        }
        if (full) {
            tryAdvance();
            int freed = reclaim(g, g);
            synchronized (g) {
                // While a reader stalls the epoch nothing comes free: wait for another batch before
                // scanning the list again, so retiring stays O(1) amortized instead of O(pending).
                // The byte trigger backs off the same way (doubling while nothing comes free), or
                // large values would scan the whole waiting list every few retirements of a stall.
                g.nextReclaimAt = g.size + RECLAIM_BATCH;
                g.bytesRetired = 0;
                g.nextReclaimBytes = freed > 0 ? RECLAIM_BYTES : Math.min(g.nextReclaimBytes * 2, RECLAIM_BYTES << 16);
            }
        }
    }

    /**
     * Retires a whole page; it returns to the pool two epochs from now. Never frees inline: it is
     * called from inside a free, and frees do not nest.
     */
    void retirePage(int page) {
        Guard g = local.get();
        synchronized (g) {
            g.add(-(page + 2L), epoch());
        }
    }

    /**
     * Advances the epoch if every active guard has seen the current one.
     *
     * @return whether the epoch moved (by this or by another thread)
     */
    public boolean tryAdvance() {
        long e = epoch();
        for (Guard g : guards) {
            long a = (long) ANNOUNCED.getVolatile(g);
            if (a != QUIESCENT && a != e) {
                return false;
            }
        }
        // CAS publishes "every reader of epoch e-1 is gone"; losing it means someone else advanced.
        EPOCH.compareAndSet(this, e, e + 1);
        return true;
    }

    /**
     * Frees everything whose grace period is over, on every guard, advancing the epoch as far as
     * readers allow (at most a few steps). Called on the allocation slow path and by maintenance.
     *
     * @return the number of items freed
     */
    public int reclaimAll() {
        tryAdvance();
        tryAdvance();
        Guard me = local.get();
        int n = 0;
        for (Guard g : guards) {
            n += reclaim(g, me);
        }
        return n;
    }

    /** Items retired and not yet freed, over all guards. */
    public long pending() {
        long n = 0;
        for (Guard g : guards) {
            synchronized (g) {
                n += g.size;
            }
        }
        return n;
    }

    /**
     * Frees the items of {@code g} whose grace period is over, using the scratch buffer of
     * {@code me}, the calling thread's own guard (so two threads reclaiming one guard never share
     * a buffer).
     */
    private int reclaim(Guard g, Guard me) {
        long safeBefore = epoch() - 1; // items retired at e <= epoch - 2 are safe
        long[] batch;
        int n;
        synchronized (g) {
            if (me.scratch.length < g.size) {
                me.scratch = new long[g.items.length];
            }
            batch = me.scratch;
            n = g.takeOlderThan(safeBefore, batch);
        }
        for (int i = 0; i < n; i++) {
            long item = batch[i];
            if (item >= 0) {
                sink.freeChunk(item);
            } else {
                sink.returnPage((int) (-item - 2));
            }
        }
        return n;
    }

    private synchronized Guard register() {
        Thread me = Thread.currentThread();
        for (Guard g : guards) {
            Thread owner = g.owner.get();
            if (owner == null || !owner.isAlive()) {
                synchronized (g) {
                    g.owner = new WeakReference<>(me);
                    g.depth = 0;
                    ANNOUNCED.setVolatile(g, QUIESCENT);
                }
                return g;
            }
        }
        Guard g = new Guard(me);
        Guard[] next = Arrays.copyOf(guards, guards.length + 1);
        next[guards.length] = g;
        guards = next;
        return g;
    }

    /**
     * One thread's presence in the epoch scheme: its announced epoch and its limbo list. Obtained
     * from {@link #enter()}; {@link #exit()} must be called by the same thread (try/finally).
     */
    public static final class Guard extends ReadGuard {
        @SuppressWarnings("unused") // accessed through ANNOUNCED
        private volatile long announced = QUIESCENT;
        private int depth; // owner thread only
        // No reference back to the reclaimer: a guard is the value of the reclaimer's ThreadLocal in
        // every thread that used it, and a value that reaches its own ThreadLocal keeps the entry
        // (guard, reclaimer, sink, the whole allocator) alive as long as the thread lives, long after
        // the allocator is closed. Without one, a dropped allocator's entries go stale and are purged.
        private WeakReference<Thread> owner;
        // limbo: guarded by this
        private long[] items = new long[RECLAIM_BATCH * 2];
        private long[] epochs = new long[RECLAIM_BATCH * 2];
        private int size;
        private int nextReclaimAt = RECLAIM_BATCH;
        private long bytesRetired; // since the last reclaim this guard's thread ran
        private long nextReclaimBytes = RECLAIM_BYTES; // doubles while reclaims free nothing
        private long[] scratch = new long[RECLAIM_BATCH * 2]; // owner thread only
        // padding against false sharing of 'announced' between guards of different threads
        long p1, p2, p3, p4, p5, p6, p7;

        private Guard(Thread owner) {
            this.owner = new WeakReference<>(owner);
        }

        /** Leaves the critical section entered by the matching {@link EpochReclaimer#enter()}. */
        @Override
        public void exit() {
            if (depth <= 0) {
                throw new IllegalStateException("exit() without a matching enter() on thread '"
                        + Thread.currentThread().getName() + "'");
            }
            if (--depth == 0) {
                // Release store: every read of this critical section happens before the slot says quiescent.
                ANNOUNCED.setRelease(this, QUIESCENT);
            }
        }

        /** Whether this guard is inside a critical section. */
        public boolean active() {
            return depth > 0;
        }

        private int add(long item, long epoch) {
            if (size == items.length) {
                // Grows only while a reader stalls the epoch for a long time: rare, never steady state.
                items = Arrays.copyOf(items, size * 2);
                epochs = Arrays.copyOf(epochs, size * 2);
            }
            items[size] = item;
            epochs[size] = epoch;
            return ++size;
        }

        /** Moves the items retired before {@code epoch} into {@code dest}; returns how many. */
        private int takeOlderThan(long epoch, long[] dest) {
            int taken = 0;
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (epochs[i] < epoch) {
                    dest[taken++] = items[i];
                } else {
                    items[kept] = items[i];
                    epochs[kept++] = epochs[i];
                }
            }
            size = kept;
            return taken;
        }
    }
}
