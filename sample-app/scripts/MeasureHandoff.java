import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures a handoff as the new worker sees it: the moment it is ready, 32 keep-alive clients move over to
 * it, each at a random moment within SPREAD, and send paced requests at RATE in all.
 *
 * <pre>
 * [WORKER_JAVA_OPTS="-Xmn64m ..."] [SAMPLE_JAR=...] java sample-app/scripts/MeasureHandoff.java [RUNS [SPREAD_MS [RATE]]] [-- APP_ARGS...]
 * </pre>
 *
 * Each run starts SAMPLE_JAR (default sample-app/target/sample-app.jar) with WORKER_JAVA_OPTS on a free loopback
 * port with APP_ARGS, waits for its
 * "serving HTTP" line (the moment it would send READY), and measures for 3 s; then, with the worker warm,
 * the same again (the reference). Latency runs from the request's intended send time to the last byte of
 * its reply, so a client's first request includes its connect. Run 0 warms up this program's own JIT
 * and is left out of the medians. Loopback only; the worker and this program share the machine.
 */
public final class MeasureHandoff {

    private static final String JAR = System.getenv().getOrDefault("SAMPLE_JAR", "sample-app/target/sample-app.jar");
    private static final int CLIENTS = 32;
    private static final long MEASURE_NANOS = 3_000_000_000L;
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: handoff\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final ExecutorService POOL = Executors.newFixedThreadPool(CLIENTS);

    /** One request: when it was meant to be sent, after the start, and how long it took. */
    private record Sample(long sentNanos, long latencyNanos) {
    }

    public static void main(String[] args) throws Exception {
        int split = Arrays.asList(args).indexOf("--");
        List<String> ours = Arrays.asList(args).subList(0, split < 0 ? args.length : split);
        List<String> appArgs = split < 0 ? List.of() : Arrays.asList(args).subList(split + 1, args.length);
        int runs = ours.size() > 0 ? Integer.parseInt(ours.get(0)) : 6;
        long spreadNanos = (ours.size() > 1 ? Long.parseLong(ours.get(1)) : 0) * 1_000_000L;
        int rate = ours.size() > 2 ? Integer.parseInt(ours.get(2)) : 11_000;
        System.out.printf("spread %d ms, %d req/s, worker JVM options '%s', app args %s%n", spreadNanos / 1_000_000,
                rate, System.getenv().getOrDefault("WORKER_JAVA_OPTS", ""), appArgs);
        System.out.println("run  ready ms | new worker: p99 0-1 s  max 0-1 s  p99 1-3 s | warm: p99 0-1 s  max 0-1 s");
        List<double[]> counted = new ArrayList<>();
        for (int run = 0; run <= runs; run++) {
            double[] row = run(appArgs, spreadNanos, rate);
            System.out.printf("%3d  %8.0f | %19.2f  %9.2f  %9.2f | %14.2f  %9.2f%n", run, row[0], row[1], row[2], row[3],
                    row[4], row[5]);
            if (run > 0) {
                counted.add(row);
            }
        }
        StringBuilder medians = new StringBuilder("median   ");
        for (int i = 0; i < 6; i++) {
            final int column = i;
            double[] values = counted.stream().mapToDouble(row -> row[column]).sorted().toArray();
            medians.append(String.format(i == 0 ? "%6.0f |" : "  %.2f", values[values.length / 2]));
        }
        System.out.println(medians);
        POOL.shutdown();
    }

    private static double[] run(List<String> appArgs, long spreadNanos, int rate) throws Exception {
        List<String> command = new ArrayList<>(List.of("java"));
        String javaOpts = System.getenv().getOrDefault("WORKER_JAVA_OPTS", "").trim();
        if (!javaOpts.isEmpty()) {
            command.addAll(Arrays.asList(javaOpts.split("\\s+")));
        }
        command.addAll(List.of("-jar", JAR, "--port", "0"));
        command.addAll(appArgs);
        long started = System.nanoTime();
        Process worker = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(worker.getInputStream()));
            int port = awaitServing(output);
            double readyMs = (System.nanoTime() - started) / 1e6;
            Thread drain = new Thread(() -> {
                try {
                    output.transferTo(Writer.nullWriter());
                } catch (IOException e) {
                    // the worker is gone
                }
            });
            drain.setDaemon(true);
            drain.start();
            List<Sample> fresh = measure(port, System.nanoTime(), spreadNanos, rate);
            List<Sample> warm = measure(port, System.nanoTime() + 5_000_000, spreadNanos, rate);
            return new double[] {readyMs, percentile(fresh, 0, 1000, 0.99), percentile(fresh, 0, 1000, 1.0),
                percentile(fresh, 1000, 3000, 0.99), percentile(warm, 0, 1000, 0.99), percentile(warm, 0, 1000, 1.0)};
        } finally {
            worker.destroy();
            worker.waitFor();
        }
    }

    private static int awaitServing(BufferedReader output) throws IOException {
        Pattern serving = Pattern.compile("serving HTTP on \\S+:(\\d+) ");
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            Matcher m = serving.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IOException("the worker exited before serving");
    }

    private static List<Sample> measure(int port, long start, long spreadNanos, int rate) throws Exception {
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        long period = 1_000_000_000L * CLIENTS / rate;
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            long offset = c * period / CLIENTS;
            long arrival = spreadNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(spreadNanos);
            clients.add(POOL.submit(() -> {
                client(port, start, arrival / period, period, offset, samples);
                return null;
            }));
        }
        for (Future<?> client : clients) {
            client.get();
        }
        return samples;
    }

    /** Connects when its first request is due, then sends one request per period on that connection. */
    private static void client(int port, long start, long first, long period, long offset, List<Sample> samples)
            throws IOException {
        sleepUntil(start + first * period + offset);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (long k = first; k * period + offset < MEASURE_NANOS; k++) {
                long intended = start + k * period + offset;
                sleepUntil(intended);
                out.write(REQUEST);
                out.flush();
                skipResponse(in);
                samples.add(new Sample(intended - start, System.nanoTime() - intended));
            }
        }
    }

    private static void sleepUntil(long deadline) {
        for (long now = System.nanoTime(); now < deadline; now = System.nanoTime()) {
            LockSupport.parkNanos(deadline - now);
        }
    }

    private static double percentile(List<Sample> samples, long fromMs, long toMs, double q) {
        List<Long> latencies = new ArrayList<>();
        for (Sample s : samples) {
            if (s.sentNanos() >= fromMs * 1_000_000 && s.sentNanos() < toMs * 1_000_000) {
                latencies.add(s.latencyNanos());
            }
        }
        Collections.sort(latencies);
        return latencies.isEmpty() ? Double.NaN
                : latencies.get(Math.max(0, (int) Math.ceil(latencies.size() * q) - 1)) / 1e6;
    }

    private static void skipResponse(InputStream in) throws IOException {
        int contentLength = -1;
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed mid-response");
            }
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            String header = line.toString().trim();
            line.setLength(0);
            if (header.isEmpty()) {
                break;
            }
            if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                contentLength = Integer.parseInt(header.substring(15).trim());
            }
        }
        in.skipNBytes(contentLength);
    }
}
