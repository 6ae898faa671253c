package io.slabkv.nativemem;

import org.junit.jupiter.api.Nested;

/** {@link PageSourceContract} over every option of {@link MmapPageSource}. */
class MmapPageSourceVariantsTest {

    @Nested
    class Plain extends PageSourceContract {
        @Override
        MmapPageSource newSource() {
            return new MmapPageSource();
        }
    }

    @Nested
    class TransparentHugePages extends PageSourceContract {
        @Override
        MmapPageSource newSource() {
            return MmapPageSource.builder().transparentHugePages(true).build();
        }
    }

    @Nested
    class ExplicitHugePagesOrTheirFallback extends PageSourceContract {
        @Override
        MmapPageSource newSource() {
            return MmapPageSource.builder().explicitHugePages(true).logger(new RecordingLogger()).build();
        }
    }

    @Nested
    class Prefaulted extends PageSourceContract {
        @Override
        MmapPageSource newSource() {
            return MmapPageSource.builder().transparentHugePages(true).prefault(true).build();
        }
    }

    @Nested
    class Locked extends PageSourceContract {
        @Override
        MmapPageSource newSource() {
            return MmapPageSource.builder().lockMemory(true).logger(new RecordingLogger()).build();
        }
    }

    @Nested
    class ThreadConfined extends PageSourceContract {
        @Override
        MmapPageSource newSource() {
            return MmapPageSource.builder().threadConfined(true).build();
        }
    }
}
