package dev.endlessd.cli;

import dev.endlessd.control.ControlClient;
import dev.endlessd.control.ControlException;
import dev.endlessd.control.ControlReply;
import dev.endlessd.control.ControlRequest;
import dev.endlessd.runtime.RuntimeDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code endlessd status --check} without picocli. An exec probe runs it every few seconds in every
 * pod, and building picocli's model of every command, then loading jnr-ffi for {@code getuid()},
 * was most of a client's start: 0.7 s of CPU per call, against 0.3 s this way (0.1 s of it the JVM's own).
 *
 * <p>It takes only a well-formed probe command line (the word {@code status}, {@code --check} after
 * it, and the options that pick an instance) whose daemon answers; anything else, from a usage error
 * to a daemon that is not running, returns empty and goes the full way, so that every message and
 * exit code stays the full command line's.
 */
final class ProbeFastPath {
    private static final String STATUS = "status";
    private static final String NAME = "--name";
    private static final String RUNTIME_DIR = "--runtime-dir";
    private static final Set<String> SELECTING = Set.of(NAME, RUNTIME_DIR, ControlSocketOption.NAME);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    private ProbeFastPath() {
    }

    /** @return the exit code, or empty when the full command line must handle {@code args} */
    static OptionalInt run(String[] args, Map<String, String> environment, PrintWriter out) {
        Optional<Map<String, String>> selected = parse(args);
        if (selected.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            Path socket = controlSocket(selected.get(), environment);
            try (ControlClient client = ControlClient.connect(socket)) {
                ControlReply answer = client.request(ControlRequest.CHECK, ANSWER_WITHIN);
                return answer.ok() ? OptionalInt.of(Probe.report(answer, out)) : OptionalInt.empty();
            }
        } catch (ControlException e) {
            return OptionalInt.empty();
        } catch (IOException e) {
            // no /proc to learn our uid from: the full way asks libc
            return OptionalInt.empty();
        } finally {
            out.flush();
        }
    }

    /** The instance-selecting options given, by name; empty unless {@code args} is a plain probe. */
    static Optional<Map<String, String>> parse(String[] args) {
        Map<String, String> selected = new HashMap<>();
        boolean status = false;
        boolean check = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals(STATUS) && !status) {
                status = true;
                continue;
            }
            if (arg.equals(Probe.OPTION) && status && !check) {
                check = true;
                continue;
            }
            int equals = arg.indexOf('=');
            String option = equals > 0 ? arg.substring(0, equals) : arg;
            if (!SELECTING.contains(option) || selected.containsKey(option) || (equals < 0 && i + 1 == args.length)) {
                return Optional.empty();
            }
            String value = equals > 0 ? arg.substring(equals + 1) : args[++i];
            if (value.isEmpty() || value.startsWith("-") || (option.equals(NAME) && !InstanceName.valid(value))) {
                return Optional.empty();
            }
            selected.put(option, value);
        }
        return status && check ? Optional.of(selected) : Optional.empty();
    }

    static Path controlSocket(Map<String, String> selected, Map<String, String> environment) throws IOException {
        Path given = Optional.ofNullable(selected.get(ControlSocketOption.NAME)).map(Path::of).orElse(null);
        Path runtimeDir = Optional.ofNullable(selected.get(RUNTIME_DIR)).map(Path::of).orElse(null);
        String name = selected.getOrDefault(NAME, InstanceOptions.DEFAULT_NAME);
        int uid = given != null ? -1 : uid();
        return ControlSocketOption.resolve(given, () -> RuntimeDirectory.locate(runtimeDir, name, environment, uid));
    }

    /** Our uid, from the owner of /proc/self, without loading jnr-ffi for getuid(). */
    private static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
