package dev.endlessd.cli;

import dev.endlessd.runtime.RuntimeDirectory;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Which endlessd instance: its name and where its runtime directory is. Shared by every command. */
public final class InstanceOptions {
    /** The options that pick an instance, and so mean the same before and after a command's name. */
    static final java.util.Set<String> SELECTING = java.util.Set.of("--name", "--runtime-dir", ControlSocketOption.NAME);

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    private CommandLine.Model.CommandSpec spec;

    static final String DEFAULT_NAME = "default";

    private String name = DEFAULT_NAME;

    @Option(names = "--runtime-dir", paramLabel = "DIR", order = 11,
            description = "Base directory for the private runtime directory (notify and control sockets). "
                    + "Default: $RUNTIME_DIRECTORY, /run/endlessd as root, else $XDG_RUNTIME_DIR/endlessd or /tmp/endlessd-UID.")
    private Path runtimeDir;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = DEFAULT_NAME, order = 10,
            description = "Names this service instance: keys its runtime directory and prefixes its logs (default: ${DEFAULT-VALUE}).")
    void name(String value) {
        if (!InstanceName.valid(value)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "name: \"" + value + "\" (expected: 1-64 letters, digits, '_', '.', '@' or '-')");
        }
        this.name = value;
    }

    /** Takes {@code other}'s value of each option that {@code given} did not match. */
    void takeUnsetFrom(InstanceOptions other, CommandLine.ParseResult given) {
        if (!given.hasMatchedOption("--name")) {
            name = other.name;
        }
        if (!given.hasMatchedOption("--runtime-dir")) {
            runtimeDir = other.runtimeDir;
        }
    }

    public String name() {
        return name;
    }

    /** The instance's runtime directory for this user and environment. */
    public Path runtimeDirectory(Map<String, String> environment, int uid) {
        return RuntimeDirectory.locate(runtimeDir, name, environment, uid);
    }
}
