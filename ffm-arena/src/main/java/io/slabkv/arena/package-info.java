/**
 * Pages, slab classes and the bump allocator.
 *
 * <h2>Shape</h2>
 * A {@link io.slabkv.arena.PageSource} hands out large {@link io.slabkv.arena.Region}s (tens of
 * MiB). A {@link io.slabkv.arena.SlabAllocator} cuts each region into fixed-size pages and gives
 * every page, while it is in use, to one size class of the {@link io.slabkv.arena.SizeClasses}
 * table. A class carves chunks from its <em>current</em> page by bumping an offset and reuses
 * freed chunks through a free list per page, whose links live in the freed chunks themselves.
 * A page whose chunks are all free goes back to the pool by itself, where any class can take it.
 *
 * <h2>Chunk handles</h2>
 * A chunk is named by a {@code long} handle, see {@link io.slabkv.arena.ChunkHandle}: the page
 * number in the high bits, the byte offset inside the page in the low {@code pageShift} bits.
 * Handles are plain numbers: the index can pack them into a slot word.
 *
 * <h2>Safe reuse</h2>
 * Lock-free readers may still be copying out of a chunk after a writer unlinked it.
 * {@link io.slabkv.arena.SlabAllocator#retire(long)} therefore defers the free until every thread
 * that was inside a critical section ({@link io.slabkv.arena.EpochReclaimer}) when the chunk was
 * retired has left it. Pages are recycled through the same grace period, so a thread that read a
 * page's state just before the page moved to another class never carves from it afterwards.
 *
 * <h2>Names of memory-ordering operations</h2>
 * Methods that touch shared words name their ordering, as in JCTools:
 * {@code lv} load volatile, {@code la} load acquire, {@code sv} store volatile, {@code so} store
 * ordered (release), {@code cas} compare-and-set, {@code gaa} get-and-add. A method with none of
 * these prefixes does plain accesses and is only called where a lock or confinement orders it.
 */
package io.slabkv.arena;
