package dev.endlessd.sample;

import dev.endlessd.sample.activation.InheritedListener;
import dev.endlessd.sample.activation.InheritedListeners;
import dev.endlessd.sample.activation.ListenFd;
import dev.endlessd.sample.activation.ListenFds;
import dev.endlessd.sample.activation.NotifySocket;
import dev.endlessd.sample.activation.SdNotifier;
import dev.endlessd.sample.http.AppInfo;
import dev.endlessd.sample.http.DrainResult;
import dev.endlessd.sample.http.HttpServer;
import dev.endlessd.sample.http.WarmUp;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's main: read config, take the inherited sockets (or bind), warm up, report ready, serve
 * until SIGTERM, drain, exit 0.
 *
 * <p>Exit status: 0 after a drain, 1 when it cannot start (config, sockets, environment), 2 on a
 * command-line mistake.
 */
public final class SampleApp {

    static final int EXIT_DRAINED = 0;
    static final int EXIT_CANNOT_START = 1;
    static final int EXIT_USAGE = 2;

    private final Options options;
    private final Map<String, String> env;
    private final long pid;
    private final Logger log;

    private SampleApp(Options options, Map<String, String> env, long pid) {
        this.options = options;
        this.env = env;
        this.pid = pid;
        this.log = LoggerFactory.getLogger(SampleApp.class);
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        long pid = ProcessHandle.current().pid();
        // Read by logback.xml for the "sample[pid gen=N]" prefix, so it must be set before any logger exists.
        System.setProperty("sample.pid", Long.toString(pid));
        System.setProperty("sample.gen", env.getOrDefault("ENDLESSD_GENERATION", "-"));
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            System.err.println("sample-app: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        if (options.help()) {
            System.out.println(Options.USAGE);
            return;
        }
        System.exit(new SampleApp(options, env, pid).run());
    }

    private int run() {
        AppInfo info;
        ListenFds inherited;
        Optional<NotifySocket> notifySocket;
        try {
            SampleConfig config = loadConfig();
            info = new AppInfo(version(), config.greeting(), pid, generation());
            inherited = ListenFds.fromEnvironment(env, pid);
            notifySocket = NotifySocket.fromEnvironment(env);
            log.info("starting sample-app {}: greeting \"{}\" from {}", info.version(), info.greeting(),
                    config.source().map(Object::toString).orElse("the built-in default"));
        } catch (IOException | IllegalArgumentException e) {
            log.error("cannot start: {}", e.getMessage());
            return EXIT_CANNOT_START;
        }
        inherited.ignoredBecause().ifPresent(reason -> log.warn("ignoring LISTEN_FDS: {}", reason));

        CompletableFuture<String> terminated = new CompletableFuture<>();
        TerminationSignals.install(signal -> {
            if (!terminated.complete(signal)) {
                log.info("SIG{} received while draining; the drain goes on", signal);
            }
        }, log::warn);

        EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory());
        SdNotifier notifier = null;
        try {
            HttpServer server = new HttpServer(info, acceptors, workers);
            warmUp(server);
            List<String> serving = inherited.isEmpty() ? List.of(bindOwnPort(server)) : serveInherited(server,
                    inherited);
            log.info("serving HTTP on {}", String.join(", ", serving));
            if (notifySocket.isPresent() && !terminated.isDone()) {
                notifier = SdNotifier.open(notifySocket.get(), acceptors);
                sendReady(notifier, serving);
            } else if (notifySocket.isEmpty()) {
                log.info("no NOTIFY_SOCKET: running without a supervisor to tell we are ready");
            }
            String signal = terminated.join();
            log.info("SIG{} received: draining", signal);
            if (notifier != null) {
                notifier.stopping("draining " + server.openConnections() + " connection(s)");
            }
            DrainResult result = server.drain(options.drainTimeout(), options.drainSpread()).syncUninterruptibly().getNow();
            if (result.isClean()) {
                log.info("exit {}: drained, no connection left after {} ms", EXIT_DRAINED, result.took().toMillis());
            } else {
                log.warn("exit {}: drain deadline cut {} connection(s) after {} ms", EXIT_DRAINED,
                        result.connectionsCut(), result.took().toMillis());
            }
            return EXIT_DRAINED;
        } catch (IOException e) {
            log.error("cannot start: {}", e.getMessage());
            return EXIT_CANNOT_START;
        } finally {
            if (notifier != null) {
                notifier.close();
            }
            acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private SampleConfig loadConfig() throws IOException {
        Optional<Path> path = SampleConfig.locate(options.config(), env);
        return path.isPresent() ? SampleConfig.load(path.get()) : SampleConfig.builtIn();
    }

    private OptionalLong generation() {
        String value = env.get("ENDLESSD_GENERATION");
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            long generation = Long.parseLong(value);
            if (generation >= 0) {
                return OptionalLong.of(generation);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("ENDLESSD_GENERATION: '" + value + "' (expected: an integer >= 0)");
    }

    private static String version() {
        String version = SampleApp.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private void warmUp(HttpServer server) throws IOException {
        if (options.warmUpRequests() == 0) {
            log.info("warm-up skipped (--warm-up 0): the first requests will meet a cold JVM");
            return;
        }
        long start = System.nanoTime();
        WarmUp.run(server, options.warmUpRequests());
        log.info("warm-up: {} requests on a private loopback port in {} ms", options.warmUpRequests(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private List<String> serveInherited(HttpServer server, ListenFds inherited) throws IOException {
        options.port().ifPresent(port -> log.info("--port {} not used: serving on the inherited sockets", port));
        List<String> serving = new ArrayList<>();
        for (ListenFd fd : inherited.sockets()) {
            InheritedListener listener = InheritedListeners.open(fd);
            ChannelFuture registered = server.serve(listener.channel()).awaitUninterruptibly();
            if (!registered.isSuccess()) {
                throw new IOException("cannot serve on " + listener + ": " + registered.cause(), registered.cause());
            }
            serving.add(listener.toString());
        }
        return serving;
    }

    private String bindOwnPort(HttpServer server) throws IOException {
        int port = options.port().orElse(Options.DEFAULT_PORT);
        ChannelFuture bound = server.bind(new InetSocketAddress(port)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on port " + port + ": " + bound.cause().getMessage()
                    + " (is another process using it? see: ss -ltnp 'sport = :" + port + "')", bound.cause());
        }
        return bound.channel().localAddress() + " (own socket: no LISTEN_FDS for this process)";
    }

    private void sendReady(SdNotifier notifier, List<String> serving) {
        String status = "serving on " + String.join(", ", serving);
        ChannelFuture sent = notifier.ready(status).awaitUninterruptibly();
        if (sent.isSuccess()) {
            log.info("READY sent to NOTIFY_SOCKET={}", notifier.target());
        } else {
            log.warn("could not send READY to NOTIFY_SOCKET={}: {} (the supervisor will treat this worker as never"
                    + " ready)", notifier.target(), sent.cause().toString());
        }
    }
}
