package dev.endlessd.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The python test worker and the command lines that run it, with the interpreter's own path rather
 * than {@code python3} from PATH: a version manager's shim (pyenv) runs a shell and the manager before
 * python, several hundred milliseconds per worker on a busy machine, which suites that start hundreds
 * of workers with short ready timeouts cannot afford.
 */
public final class Fixture {
    private static String interpreter;

    private Fixture() {
    }

    public static Path workerScript() {
        return Path.of("src", "test", "resources", "fixture", "worker.py").toAbsolutePath();
    }

    /** {@code /path/to/python3 worker.py ARGS} as one shell command line for {@code --cmd}. */
    public static String worker(String... args) {
        StringBuilder command = new StringBuilder(interpreter()).append(' ').append(workerScript());
        for (String arg : args) {
            command.append(' ').append(arg);
        }
        return command.toString();
    }

    static synchronized String interpreter() {
        if (interpreter == null) {
            try {
                Process python = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
                        .redirectErrorStream(true).start();
                String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                interpreter = python.waitFor() == 0 && out.startsWith("/") ? out : "python3";
            } catch (IOException e) {
                interpreter = "python3";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                interpreter = "python3";
            }
        }
        return interpreter;
    }
}
