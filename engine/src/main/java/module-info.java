/**
 * slabkv's store: the public API in {@code io.slabkv}; index, entries and the store itself in
 * packages that are not exported.
 */
module io.slabkv.engine {
    requires transitive io.slabkv.arena;
    requires org.agrona;
    requires jdk.jfr;
    requires java.management;

    exports io.slabkv;
}
