/**
 * Linearizability checking of the store's operations.
 *
 * <ul>
 *   <li>{@link io.slabkv.stress.lin.HistoryRunner} runs random concurrent histories of put, put with
 *       TTL, get, containsKey, remove, putIfAbsent and replace on tiny shared stores (collisions,
 *       tombstones, cleaning, chunk reuse) and records each call with tickets of one global counter
 *       taken right before and right after it;</li>
 *   <li>{@link io.slabkv.stress.lin.LinearizabilityChecker} decides, key by key, whether a
 *       sequential order of the calls exists that respects their real-time order and a
 *       {@code HashMap} ({@link io.slabkv.stress.lin.OpKind#step}): the Wing and Gong search with
 *       Lowe's memoization;</li>
 *   <li>{@link io.slabkv.stress.lin.LinearizabilityMain} is the long mode; the test suite runs a
 *       quick one, the checker's own tests, and a store broken on purpose that it must reject.</li>
 * </ul>
 */
package io.slabkv.stress.lin;
