package io.slabkv;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.agrona.DirectBuffer;

/**
 * Views of Agrona buffers as segments, read through the buffer's backing array or raw address
 * (never through {@code UnsafeBuffer}'s accessors, which would need JDK-internal exports). The view
 * of an off-heap buffer uses {@link MemorySegment#reinterpret(long)}, a restricted method: the JVM
 * needs {@code --enable-native-access} for the engine's module.
 */
final class Buffers {

    private Buffers() {
    }

    static MemorySegment segment(DirectBuffer buffer, int offset, int length, String what) {
        Objects.requireNonNull(buffer, () -> what + " buffer is null");
        if (offset < 0 || length < 0 || (long) offset + length > buffer.capacity()) {
            throw new IndexOutOfBoundsException(what + " range [" + offset + ", " + ((long) offset + length)
                    + ") is outside the buffer's capacity " + buffer.capacity());
        }
        byte[] array = buffer.byteArray();
        if (array != null) {
            return MemorySegment.ofArray(array).asSlice(buffer.wrapAdjustment() + offset, length);
        }
        return MemorySegment.ofAddress(buffer.addressOffset() + offset).reinterpret(length);
    }
}
