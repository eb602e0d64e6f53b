package dev.endlessd.cli;

import dev.endlessd.control.ControlSocketFile;
import dev.endlessd.os.Posix;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --control-socket PATH}: where the daemon listens and where the commands talk to it. */
final class ControlSocketOption {
    static final String NAME = "--control-socket";

    @Option(names = NAME, paramLabel = "PATH", order = 12,
            description = "The control socket. Default: control.sock in the instance's runtime directory.")
    private Path path;

    /** Whether {@code --control-socket} names the socket, rather than the instance's runtime directory. */
    boolean given() {
        return path != null;
    }

    /** Takes {@code other}'s path unless {@code given} matched this option. */
    void takeUnsetFrom(ControlSocketOption other, picocli.CommandLine.ParseResult given) {
        if (!given.hasMatchedOption(NAME)) {
            path = other.path;
        }
    }

    /** The path given, or the default one of {@code instance}. */
    Path resolve(InstanceOptions instance) {
        return resolve(path, () -> instance.runtimeDirectory(System.getenv(), Posix.uid()));
    }

    /** {@code given} made absolute, or the control socket in the runtime directory. */
    static Path resolve(Path given, java.util.function.Supplier<Path> runtimeDirectory) {
        return given != null ? given.toAbsolutePath().normalize() : ControlSocketFile.in(runtimeDirectory.get());
    }
}
