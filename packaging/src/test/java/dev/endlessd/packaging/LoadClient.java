package dev.endlessd.packaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP client of {@link SystemdContainerIT}, run inside the container (its network is the
 * container's own) with nothing but the JDK. It prints what it saw on stdout, one fact a line, for
 * {@link LoadRun} to read.
 *
 * <ul>
 *   <li>{@code load PORT CLIENTS}: waits until the sample app answers {@code GET /}, prints
 *       {@code serving}, then keeps CLIENTS clients each sending {@code GET /} on a new connection,
 *       one after another with a pause of {@link #PAUSE} between them, until its stdin closes;
 *       prints {@code answered by gen=G pid=P} the first time a worker answers; at the end prints {@code requests=N failed=F generations=1,2,...
 *       pids=...} (the workers that answered) and the first failures, one {@code failure: ...} line each. Every request after
 *       {@code serving} counts: a refused, reset or non-200 one is a failure.</li>
 *   <li>{@code slow PORT MS}: opens a connection, has one {@code GET /} answered on it (so a worker
 *       has accepted it), sends {@code GET /slow?ms=MS}, prints {@code in-flight}, and then the
 *       status line of the answer.</li>
 * </ul>
 */
public final class LoadClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Longer than a worker's start on a busy machine: a request may wait in the backlog meanwhile. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FIRST_ANSWER_DEADLINE = Duration.ofMinutes(3);
    private static final int FAILURES_SHOWN = 5;
    /**
     * Each client's pace: the load must overlap every hand-over, not take the two cores from the JVMs
     * that start (400 requests a second from 4 clients at most).
     */
    private static final Duration PAUSE = Duration.ofMillis(10);
    private static final Pattern GENERATION = Pattern.compile("(?m)^generation: (\\S+)");
    private static final Pattern PID = Pattern.compile("(?m)^pid: (\\d+)");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?mi)^content-length: *(\\d+)");

    private final InetSocketAddress server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Set<String> generations = new ConcurrentSkipListSet<>();
    private final Set<String> pids = new ConcurrentSkipListSet<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final PrintStream out;

    private LoadClient(int port, PrintStream out) {
        this.server = new InetSocketAddress("127.0.0.1", port);
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !Set.of("load", "slow").contains(args[0])) {
            System.err.println("usage: LoadClient load PORT CLIENTS | slow PORT MS");
            System.exit(2);
        }
        LoadClient client = new LoadClient(Integer.parseInt(args[1]), System.out);
        if (args[0].equals("load")) {
            client.load(Integer.parseInt(args[2]));
        } else {
            client.slow(Integer.parseInt(args[2]));
        }
    }

    private void load(int clients) throws IOException, InterruptedException {
        awaitFirstAnswer();
        announce("serving");
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread thread = new Thread(this::sendUntilStopped, "client-" + i);
            thread.start();
            threads.add(thread);
        }
        // stdin closing is the signal to stop: no file, no signal, nothing left behind
        while (System.in.read() != -1) {
            continue;
        }
        stopping.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        announce("requests=" + requests.get() + " failed=" + failed.get()
                + " generations=" + String.join(",", sortedNumerically(generations))
                + " pids=" + String.join(",", sortedNumerically(pids)));
        failures.forEach(failure -> announce("failure: " + failure));
    }

    private void awaitFirstAnswer() throws InterruptedException {
        long deadline = System.nanoTime() + FIRST_ANSWER_DEADLINE.toNanos();
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            try {
                String response = exchange("GET / HTTP/1.1\r\nHost: endlessd-it\r\nConnection: close\r\n\r\n");
                if (response.startsWith("HTTP/1.1 200 ")) {
                    return;
                }
                last = firstLine(response);
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        announce("never served within " + FIRST_ANSWER_DEADLINE + ": " + last);
        System.exit(1);
    }

    private void sendUntilStopped() {
        while (!stopping.get()) {
            requests.incrementAndGet();
            try {
                String response = exchange("GET / HTTP/1.1\r\nHost: endlessd-it\r\nConnection: close\r\n\r\n");
                if (!response.startsWith("HTTP/1.1 200 ")) {
                    fail("answered " + firstLine(response));
                    continue;
                }
                Matcher generation = GENERATION.matcher(response);
                Matcher pid = PID.matcher(response);
                if (generation.find() && pid.find()) {
                    generations.add(generation.group(1));
                    if (pids.add(pid.group(1))) {
                        announce("answered by gen=" + generation.group(1) + " pid=" + pid.group(1));
                    }
                }
            } catch (IOException e) {
                fail(e.toString());
            }
            try {
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One line of output, whole and at once, whichever thread prints it. */
    private synchronized void announce(String line) {
        out.println(line);
        out.flush();
    }

    private void fail(String why) {
        if (failed.incrementAndGet() <= FAILURES_SHOWN) {
            failures.add(why);
        }
    }

    /** Sends one request on a new connection and reads the answer until the server closes it. */
    private String exchange(String request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private void slow(int millis) {
        try (Socket socket = connect()) {
            OutputStream request = socket.getOutputStream();
            InputStream response = socket.getInputStream();
            request.write("GET / HTTP/1.1\r\nHost: endlessd-it\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String first = readOneResponse(response);
            if (!first.startsWith("HTTP/1.1 200 ")) {
                announce("first request answered " + firstLine(first));
                return;
            }
            request.write(("GET /slow?ms=" + millis + " HTTP/1.1\r\nHost: endlessd-it\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            announce("in-flight");
            announce(firstLine(new String(response.readAllBytes(), StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            announce("failed: " + e);
        }
    }

    /** Reads one response of a keep-alive connection: headers, then Content-Length bytes. */
    private static String readOneResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("connection closed inside the response headers: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        Matcher length = CONTENT_LENGTH.matcher(headers);
        if (!length.find()) {
            throw new IOException("response without Content-Length: " + headers);
        }
        byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
        return headers + new String(body, StandardCharsets.ISO_8859_1);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(server, (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static String firstLine(String response) {
        int end = response.indexOf("\r\n");
        return end < 0 ? (response.isEmpty() ? "(nothing)" : response) : response.substring(0, end);
    }

    private static List<String> sortedNumerically(Set<String> values) {
        TreeSet<String> sorted = new TreeSet<>((a, b) -> a.length() != b.length() ? a.length() - b.length() : a.compareTo(b));
        sorted.addAll(values);
        return List.copyOf(sorted);
    }
}
