package dev.endlessd.jvmcache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The files a JDK's version is read from: {@code release}, {@code bin/java} and {@code lib/server/libjvm.so}; nothing runs. */
final class FakeJdk {
    private FakeJdk() {
    }

    static Path install(Path home, String release) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib/server"));
        Files.writeString(home.resolve("release"), release);
        Files.writeString(home.resolve("lib/server/libjvm.so"), "not really");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/false\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    static Path hotspot(Path home, String version) throws IOException {
        return install(home, "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\nJAVA_RUNTIME_VERSION=\"" + version
                + "+1\"\n");
    }
}
