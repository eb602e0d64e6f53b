package dev.endlessd.bench.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The merged stdout and stderr of a process we started, line by line, each stamped with
 * {@link System#nanoTime()} on arrival (the load generator's clock) and copied to a log file.
 *
 * <p>Thread-safe: a reader thread appends, any thread may {@link #await}.
 */
public final class ProcessOutput {
    /** One line and when it arrived. */
    public record Line(int index, long arrivalNanos, String text) {
    }

    /** A line that matched, with the match. */
    public record Match(Line line, Matcher matcher) {
        public String group(int group) {
            return matcher.group(group);
        }
    }

    private final String name;
    private final Process process;
    private final List<Line> lines = new ArrayList<>();
    private boolean ended;

    private ProcessOutput(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /** Starts copying {@code process}'s output to {@code logFile}. */
    public static ProcessOutput follow(String name, Process process, Path logFile) throws IOException {
        ProcessOutput output = new ProcessOutput(name, process);
        Files.createDirectories(logFile.getParent());
        Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> output.copy(log), name + "-output");
        reader.setDaemon(true);
        reader.start();
        return output;
    }

    private void copy(Writer log) {
        try (log; BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                long now = System.nanoTime();
                log.write(text);
                log.write('\n');
                log.flush();
                synchronized (this) {
                    lines.add(new Line(lines.size(), now, text));
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The JDK closes the pipe as it reaps the process ("Stream closed"): the output has ended.
            if (!"Stream closed".equals(e.getMessage())) {
                System.err.println("bench: " + name + ": reading its output failed: " + e);
            }
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** The index the next line will have: pass it to {@link #await} to see only lines from now on. */
    public synchronized int mark() {
        return lines.size();
    }

    /**
     * Waits for the first line at or after index {@code from} that {@code pattern} finds, and returns it.
     *
     * @throws ServiceException when the output ends or {@code timeout} passes first; the message quotes the
     *                          last lines, which usually say why
     */
    public Match await(Pattern pattern, int from, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            for (int next = from; ; ) {
                for (; next < lines.size(); next++) {
                    Matcher matcher = pattern.matcher(lines.get(next).text());
                    if (matcher.find()) {
                        return new Match(lines.get(next), matcher);
                    }
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    throw new ServiceException(name + ": " + (ended ? "output ended" : "no sign after " + timeout)
                            + " while waiting for " + what + "; last lines:\n" + tail(8));
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The first line at or after index {@code from} that {@code pattern} finds among those arrived so far. */
    public synchronized java.util.Optional<Match> find(Pattern pattern, int from) {
        for (int next = from; next < lines.size(); next++) {
            Matcher matcher = pattern.matcher(lines.get(next).text());
            if (matcher.find()) {
                return java.util.Optional.of(new Match(lines.get(next), matcher));
            }
        }
        return java.util.Optional.empty();
    }

    private String tail(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = Math.max(0, lines.size() - count); i < lines.size(); i++) {
            text.append("    ").append(lines.get(i).text()).append('\n');
        }
        return text.toString();
    }
}
