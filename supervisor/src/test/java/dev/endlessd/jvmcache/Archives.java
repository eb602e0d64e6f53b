package dev.endlessd.jvmcache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files that look like what a JVM writes: the flavor's magic, then zeros. */
final class Archives {
    private Archives() {
    }

    static Path write(Path file, int magic, int size) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN).putInt(magic);
        return Files.write(file, content.array());
    }
}
