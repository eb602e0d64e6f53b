package dev.endlessd.upgrade;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the new code in its pre-flight mode before the exec: the launcher that the exec will run,
 * with the same environment, given the handoff state on its stdin. It loads the jar (whichever is
 * on disk now), binds its native calls, reads the state and parses endlessd's command line with its
 * own parser, serves nothing, and prints {@value #PASSED} and its version. Anything else is a refusal,
 * and its last output is the reason.
 *
 * <p>Blocks for as long as the new JVM takes: never call it on the supervisor's thread.
 */
public final class Preflight {
    /** What a new code that can take over prints, followed by its version. */
    public static final String PASSED = "upgrade-check ok ";
    /** The hidden command of the launcher that does the check. */
    public static final String COMMAND = "upgrade-check";
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final int REASON_CHARS = 400;

    /** The check's verdict: the new version when it passed, the reason when not. */
    public record Result(boolean passed, String version, String reason) {
        static Result refused(String reason) {
            return new Result(false, "", reason);
        }
    }

    private Preflight() {
    }

    public static Result run(Path launcher, byte[] state, Map<String, String> environment, Duration within) {
        if (!Files.isExecutable(launcher)) {
            return Result.refused("the launcher " + launcher + " is gone or not executable (reinstall endlessd)");
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(launcher.toString(), COMMAND)).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(HandoffFile.environmentWithout(environment));
        Process check;
        try {
            check = builder.start();
        } catch (IOException e) {
            return Result.refused("cannot run " + launcher + ": " + e.getMessage());
        }
        try {
            try (OutputStream in = check.getOutputStream()) {
                in.write(state);
            } catch (IOException e) {
                // it exited without reading its input: its output says why
            }
            java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
            String output = read(check.getInputStream(), check, within, late);
            int status = check.waitFor();
            if (late.get()) {
                return Result.refused(launcher + " " + COMMAND + " did not answer within " + within.toSeconds() + "s");
            }
            for (String line : output.split("\n")) {
                if (status == 0 && line.startsWith(PASSED)) {
                    return new Result(true, line.substring(PASSED.length()).strip(), "");
                }
            }
            return Result.refused(launcher + " " + COMMAND + " exited with " + status + ": " + lastWords(output));
        } catch (InterruptedException e) {
            check.destroyForcibly();
            Thread.currentThread().interrupt();
            return Result.refused("interrupted");
        }
    }

    /** The output, up to {@link #MAX_OUTPUT} bytes, read until the end or the deadline. */
    private static String read(InputStream out, Process check, Duration within,
                               java.util.concurrent.atomic.AtomicBoolean late) throws InterruptedException {
        Thread killer = new Thread(() -> {
            try {
                if (!check.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                    late.set(true);
                    check.destroyForcibly();
                }
            } catch (InterruptedException ignored) {
                // the check ended first
            }
        }, "upgrade-check-deadline");
        killer.setDaemon(true);
        killer.start();
        try {
            byte[] bytes = out.readNBytes(MAX_OUTPUT);
            out.transferTo(OutputStream.nullOutputStream());
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read its output: " + e.getMessage() + ")";
        } finally {
            killer.interrupt();
            killer.join();
        }
    }

    /** The last lines of the output, as one printable line of bounded length. */
    static String lastWords(String output) {
        String flat = output.strip().replaceAll("[\\r\\n\\t]+", " | ").replaceAll("[^\\x20-\\x7e]", "?");
        if (flat.isEmpty()) {
            return "no output";
        }
        return flat.length() > REASON_CHARS ? "..." + flat.substring(flat.length() - REASON_CHARS) : flat;
    }
}
