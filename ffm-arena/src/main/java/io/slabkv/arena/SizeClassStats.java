package io.slabkv.arena;

/**
 * One size class in an {@link AllocatorStats} snapshot. After the size classes, once any value
 * larger than a page was allocated, one more row describes the runs of pages
 * ({@code sizeClass == SlabAllocator.runClass()}): {@code chunkSize} is then the page size,
 * {@code pages} the pages in runs, {@code chunksUsed} the runs held, and every allocation a carve.
 *
 * @param sizeClass     the class index
 * @param chunkSize     bytes per chunk
 * @param pages         pages the class holds
 * @param chunksUsed    chunks allocated and not yet freed (retired chunks count until reclaimed)
 * @param chunksFree    chunks in the class's pages that are free or not yet carved
 * @param allocations   chunks handed out in total
 * @param reuses        of which from a free list
 * @param carves        of which carved fresh by bumping
 * @param frees         chunks freed in total
 * @param fragmentation free share of the class's page bytes, 0 to 1 (0 when it has no pages)
 */
public record SizeClassStats(int sizeClass, int chunkSize, long pages, long chunksUsed, long chunksFree,
                             long allocations, long reuses, long carves, long frees, double fragmentation) {
}
