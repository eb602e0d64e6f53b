package dev.endlessd.it;

import java.nio.file.Path;

/** The python test worker and the command lines that run it. */
public final class Fixture {
    private Fixture() {
    }

    public static Path workerScript() {
        return Path.of("src", "test", "resources", "fixture", "worker.py").toAbsolutePath();
    }

    /** {@code python3 worker.py ARGS} as one shell command line for {@code --cmd}. */
    public static String worker(String... args) {
        StringBuilder command = new StringBuilder("python3 ").append(workerScript());
        for (String arg : args) {
            command.append(' ').append(arg);
        }
        return command.toString();
    }
}
