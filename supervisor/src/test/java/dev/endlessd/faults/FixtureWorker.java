package dev.endlessd.faults;

import dev.endlessd.it.Fixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The fixture worker's command line with the python interpreter's own path instead of
 * {@code python3} from PATH: a version manager's shim (pyenv) runs a shell and the manager before
 * python, several hundred milliseconds per worker on a busy machine, which a suite that starts
 * hundreds of workers and uses short ready timeouts cannot afford.
 */
final class FixtureWorker {
    private static String interpreter;

    private FixtureWorker() {
    }

    /** {@code /path/to/python3 worker.py ARGS} for {@code --cmd}. */
    static String command(String... args) {
        StringBuilder command = new StringBuilder(interpreter()).append(' ').append(Fixture.workerScript());
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
