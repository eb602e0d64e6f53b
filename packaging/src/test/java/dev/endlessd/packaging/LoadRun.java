package dev.endlessd.packaging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link LoadClient} running inside the container: started, awaited until the service answers,
 * and finished by closing its stdin, which gives the counts.
 *
 * <p>Not thread-safe: one test thread drives it; a reader thread collects its output.
 */
final class LoadRun implements AutoCloseable {
    private static final Duration DEADLINE = Duration.ofMinutes(4);
    private static final Pattern SUMMARY = Pattern.compile("requests=(\\d+) failed=(\\d+) generations=(\\S*) pids=(\\S*)");

    /** What the clients saw between {@code serving} and the end. */
    record Result(long requests, long failed, List<String> generations, List<String> pids, String output) {
        String describe() {
            return requests + " requests, " + failed + " failed, generations " + generations + " (pids " + pids + ") answered\n"
                    + output;
        }
    }

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private LoadRun(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "load-client-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code clients} clients sending {@code GET /} to 127.0.0.1:{@code port} inside the container. */
    static LoadRun start(SystemdContainer container, int port, int clients) throws IOException {
        return new LoadRun(container.spawn(client("load", port, clients)));
    }

    /** One {@code GET /slow?ms=millis} on a connection a worker has already accepted. */
    static LoadRun slowRequest(SystemdContainer container, int port, long millis) throws IOException {
        return new LoadRun(container.spawn(client("slow", port, millis)));
    }

    private static String[] client(String mode, int port, long argument) {
        // the container's java: the one the package depends on, as the workers use
        return new String[] {"java", "-cp", SystemdContainer.STAGED + "/classes", LoadClient.class.getName(),
            mode, Integer.toString(port), Long.toString(argument)};
    }

    /** Waits until the client prints {@code line}; fails with its output if it exits or takes too long. */
    void await(String line) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!lines.contains(line)) {
            assertTrue(process.isAlive() || lines.contains(line), () -> "the load client exited before printing \""
                    + line + "\":\n" + output());
            assertTrue(System.nanoTime() < deadline, () -> "the load client did not print \"" + line + "\" within "
                    + DEADLINE + ":\n" + output());
            Thread.sleep(50);
        }
    }

    /** Waits until {@code count} different workers have answered counted requests. */
    void awaitWorkers(int count) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (lines.stream().filter(line -> line.startsWith("answered by ")).count() < count) {
            assertTrue(process.isAlive(), () -> "the load client exited before " + count + " workers answered:\n" + output());
            assertTrue(System.nanoTime() < deadline, () -> "fewer than " + count + " workers answered within " + DEADLINE
                    + ":\n" + output());
            Thread.sleep(50);
        }
    }

    /** Stops the clients (closes their stdin) and returns what they counted. */
    Result finish() throws IOException, InterruptedException {
        process.getOutputStream().close();
        assertTrue(process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), () -> "the load client did not stop:\n" + output());
        reader.join(DEADLINE.toMillis());
        for (String line : lines) {
            Matcher summary = SUMMARY.matcher(line);
            if (summary.matches()) {
                return new Result(Long.parseLong(summary.group(1)), Long.parseLong(summary.group(2)),
                        values(summary.group(3)), values(summary.group(4)), output());
            }
        }
        throw new AssertionError("the load client printed no summary:\n" + output());
    }

    /** Waits for a single-request client to end and returns its last line. */
    String lastLine() throws InterruptedException {
        assertTrue(process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), () -> "the client did not end:\n" + output());
        reader.join(DEADLINE.toMillis());
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static List<String> values(String commaSeparated) {
        return commaSeparated.isEmpty() ? List.of() : List.of(commaSeparated.split(","));
    }

    String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(reading the client's output failed: " + e + ")");
        }
    }
}
