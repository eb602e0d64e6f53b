package dev.endlessd.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Collects a process's output lines as they come, so that tests can wait for one with a deadline. */
final class ProcessOutput {

    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    ProcessOutput(InputStream stream, String name) {
        Thread reader = new Thread(() -> read(stream), name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(InputStream stream) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                System.out.println("  | " + line);
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone; what it printed so far stays readable
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Waits for the first line matching {@code regex} (searched, not fully matched) and returns the match. */
    Matcher await(String regex, Duration timeout) throws InterruptedException, TimeoutException {
        return await(regex, 1, timeout).get(0);
    }

    /** Waits until {@code count} lines match {@code regex} and returns their matches, in output order. */
    synchronized List<Matcher> await(String regex, int count, Duration timeout)
            throws InterruptedException, TimeoutException {
        Pattern pattern = Pattern.compile(regex);
        List<Matcher> matches = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int seen = 0; ; ) {
            for (; seen < lines.size() && matches.size() < count; seen++) {
                Matcher m = pattern.matcher(lines.get(seen));
                if (m.find()) {
                    matches.add(m);
                }
            }
            if (matches.size() == count) {
                return matches;
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                throw new TimeoutException(matches.size() + " of " + count + " lines matching /" + regex + "/ "
                        + (ended ? "before the output ended" : "within " + timeout) + "; got:\n"
                        + String.join("\n", lines));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
