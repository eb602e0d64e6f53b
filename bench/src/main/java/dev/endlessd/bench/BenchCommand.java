package dev.endlessd.bench;

import dev.endlessd.bench.report.PassResult;
import dev.endlessd.bench.report.TargetCheck;
import dev.endlessd.bench.service.App;
import dev.endlessd.bench.service.EndlessdService;
import dev.endlessd.bench.service.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The benchmark's command line. {@code bench/run} fills in the paths; the rest have defaults. */
@Command(name = "endlessd-bench", sortOptions = false,
        description = {"Puts the same HTTP load on the sample app (or a Spring Boot app) run several ways (under endlessd with reloads,"
                + " stop-then-start with the socket held, naive restart, endlessd and bare without reloads) and"
                + " reports failures, latency overall and in reload windows, throughput, and the supervisor's"
                + " memory, CPU and fds, checked against endlessd's targets."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every scenario ran and every target endlessd was checked against passed",
                "1:a target failed or a scenario could not run (the tables say which)", "2:usage error"})
final class BenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--endlessd", required = true, paramLabel = "PATH", description = "The endlessd launcher.")
    private Path endlessd;

    @Option(names = "--app", defaultValue = "sample", paramLabel = "sample|spring",
            description = "The app under load: the sample app, or an unmodified Spring Boot app run through"
                    + " endlessd's Java agent (default: ${DEFAULT-VALUE}).")
    private String app;

    @Option(names = "--app-jar", required = true, paramLabel = "PATH", description = "The app's jar.")
    private Path appJar;

    @Option(names = "--app-args", paramLabel = "ARGS", defaultValue = "",
            description = "Extra arguments for the app in every scenario, space-separated (default: none).")
    private String appArgs;

    @Option(names = "--jvm-args", paramLabel = "ARGS", defaultValue = "",
            description = "JVM options for the app in every scenario (before -jar), space-separated (default: none).")
    private String jvmArgs;

    @Option(names = "--restarter", required = true, paramLabel = "PATH", description = "bench/restarter.py.")
    private Path restarter;

    @Option(names = "--python", defaultValue = "python3", paramLabel = "PATH", description = "Default: ${DEFAULT-VALUE}.")
    private Path python;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where results.csv, results.json, the charts and the service logs go.")
    private Path out;

    @Option(names = "--passes", split = ",", splitSynopsisLabel = ",", defaultValue = "keepalive,close,paced",
            paramLabel = "PASS",
            description = "Loads to run every scenario under: keepalive, close, paced (default: ${DEFAULT-VALUE}).")
    private List<String> passes;

    @Option(names = "--scenarios", split = ",", splitSynopsisLabel = ",", paramLabel = "ID",
            description = "Scenarios to run (default: all that the app can run): bare-steady, endlessd-steady,"
                    + " endlessd-reload, endlessd-reload-nocache, held-restart, naive-restart (the last two: the"
                    + " sample app only; the restarter has no Java agent to give an unmodified app).")
    private List<String> scenarios;

    @Option(names = "--duration", defaultValue = "60s", paramLabel = "DURATION",
            description = "Measured time per scenario (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--warm", defaultValue = "3s", paramLabel = "DURATION",
            description = "Unmeasured load before each scenario, for the JITs (default: ${DEFAULT-VALUE}).")
    private Duration warm;

    @Option(names = "--reload-every", defaultValue = "5s", paramLabel = "DURATION",
            description = "Time between reloads, from the start of measurement (default: ${DEFAULT-VALUE}).")
    private Duration reloadEvery;

    @Option(names = "--reload-via", defaultValue = "sighup", paramLabel = "sighup|cli",
            description = "How endlessd is asked to reload: kill -HUP, or `endlessd reload` (default: ${DEFAULT-VALUE}).")
    private String reloadVia;

    @Option(names = "--slice", defaultValue = "5s", paramLabel = "DURATION",
            description = "Steady scenarios alternate in slices this long (default: ${DEFAULT-VALUE}).")
    private Duration slice;

    @Option(names = "--connections", defaultValue = "32", paramLabel = "N",
            description = "Simulated clients (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = "--timeout", defaultValue = "5s", paramLabel = "DURATION",
            description = "Per request, connect to last byte, before it counts as failed (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--fail-pause", defaultValue = "10ms", paramLabel = "DURATION",
            description = "Closed loop: a client's pause after a failure (default: ${DEFAULT-VALUE}).")
    private Duration failPause;

    @Option(names = "--paced-rate", defaultValue = "auto", paramLabel = "N|auto",
            description = "Requests per second of the paced pass; auto: --paced-share of the bare app's keepalive"
                    + " throughput (default: ${DEFAULT-VALUE}).")
    private String pacedRate;

    @Option(names = "--paced-share", defaultValue = "0.125", paramLabel = "SHARE",
            description = "See --paced-rate (default: ${DEFAULT-VALUE}: at 0.5 the paced generator and the app"
                    + " alone kept a 2-core machine 99%% busy, leaving no room for a reload).")
    private double pacedShare;

    @Option(names = "--path", defaultValue = "/", paramLabel = "PATH",
            description = "Request target (default: ${DEFAULT-VALUE}).")
    private String path;

    @Option(names = "--bucket", defaultValue = "100ms", paramLabel = "DURATION",
            description = "Time slice of the latency series and the chart (default: ${DEFAULT-VALUE}).")
    private Duration bucket;

    @Option(names = "--ready-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long a new worker may take to get ready (default: ${DEFAULT-VALUE}).")
    private Duration readyTimeout;

    @Option(names = "--drain-timeout", defaultValue = "30s", paramLabel = "DURATION",
            description = "How long an old worker may drain (default: ${DEFAULT-VALUE}).")
    private Duration drainTimeout;

    @Option(names = "--probation", paramLabel = "DURATION",
            description = "endlessd's --probation in every endlessd scenario (default: endlessd's).")
    private Duration probation;

    @Option(names = "--commit", defaultValue = "", paramLabel = "TEXT",
            description = "The source revision measured, recorded in results.json.")
    private String commit;

    @Override
    public Integer call() throws IOException, InterruptedException {
        BenchSettings settings = settings();
        Files.createDirectories(out);
        Path runtime = Files.createTempDirectory("endlessd-bench-");
        Stage stage = new Stage(Path.of(System.getProperty("java.home"), "bin", "java"), endlessd.toAbsolutePath(),
                settings.app(), words(jvmArgs), appJar.toAbsolutePath(), words(appArgs),
                python, restarter.toAbsolutePath(), readyTimeout, drainTimeout, out.resolve("logs"), runtime);
        Map<String, Object> info = runInfo(settings);
        System.out.println("endlessd bench: " + info.get("machine") + "; " + info.get("jdk"));
        List<PassResult> passes;
        try {
            passes = new BenchRun(settings, stage).run(info);
        } finally {
            deleteTree(runtime);
        }
        System.out.println("results: " + out.toAbsolutePath());
        boolean allRan = passes.stream().flatMap(p -> p.results().stream()).allMatch(r -> r.error() == null);
        boolean noFailure = passes.stream().flatMap(p -> p.checks().stream())
                .noneMatch(c -> c.verdict() == TargetCheck.Verdict.FAIL);
        return allRan && noFailure ? 0 : 1;
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }

    /** The services' runtime directories; endlessd empties its own when it stops. */
    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private BenchSettings settings() {
        List<Pass> passList = new ArrayList<>();
        for (String id : passes) {
            try {
                passList.add(Pass.of(id.trim()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        App appKind;
        try {
            appKind = App.of(app);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Set<Scenario> restarts = EnumSet.of(Scenario.HELD_RESTART, Scenario.NAIVE_RESTART);
        Set<Scenario> scenarioSet = EnumSet.noneOf(Scenario.class);
        if (scenarios == null) {
            scenarioSet.addAll(EnumSet.allOf(Scenario.class));
            if (appKind != App.SAMPLE) {
                scenarioSet.removeAll(restarts);
            }
        } else {
            for (String id : scenarios) {
                scenarioSet.add(Arrays.stream(Scenario.values()).filter(s -> s.id().equals(id.trim())).findFirst()
                        .orElseThrow(() -> new ParameterException(spec.commandLine(), "scenarios: " + id
                                + " (expected: bare-steady, endlessd-steady, endlessd-reload, endlessd-reload-nocache,"
                                + " held-restart or naive-restart)")));
            }
            if (appKind != App.SAMPLE && scenarioSet.stream().anyMatch(restarts::contains)) {
                throw new ParameterException(spec.commandLine(), "scenarios: held-restart and naive-restart run the"
                        + " sample app only (an unmodified app under bench/restarter.py has no Java agent to take the"
                        + " socket and say READY); leave them out with --app " + app);
            }
        }
        if (probation != null && probation.isNegative()) {
            throw new ParameterException(spec.commandLine(), "probation: " + probation + " (expected: >= 0)");
        }
        double rate = 0;
        if (!pacedRate.equals("auto")) {
            try {
                rate = Double.parseDouble(pacedRate);
            } catch (NumberFormatException e) {
                rate = -1;
            }
            if (rate <= 0) {
                throw new ParameterException(spec.commandLine(), "paced-rate: " + pacedRate
                        + " (expected: requests per second > 0, or auto)");
            }
        }
        if (rate == 0 && passList.contains(Pass.PACED) && (!scenarioSet.contains(Scenario.BARE_STEADY)
                || passList.indexOf(Pass.KEEPALIVE) < 0 || passList.indexOf(Pass.KEEPALIVE) > passList.indexOf(Pass.PACED))) {
            throw new ParameterException(spec.commandLine(), "paced-rate: auto derives the rate from the bare app's"
                    + " throughput in the keepalive pass, so it needs that pass (before paced) and the bare-steady"
                    + " scenario; or give --paced-rate N");
        }
        EndlessdService.Trigger trigger = switch (reloadVia) {
            case "sighup" -> EndlessdService.Trigger.SIGHUP;
            case "cli" -> EndlessdService.Trigger.CLI;
            default -> throw new ParameterException(spec.commandLine(), "reload-via: " + reloadVia
                    + " (expected: sighup or cli)");
        };
        positive("duration", duration);
        positive("reload-every", reloadEvery);
        positive("slice", slice);
        positive("bucket", bucket);
        positive("timeout", timeout);
        if (connections < 1) {
            throw new ParameterException(spec.commandLine(), "connections: " + connections + " (expected: >= 1)");
        }
        if (!(pacedShare > 0 && pacedShare <= 1)) {
            throw new ParameterException(spec.commandLine(), "paced-share: " + pacedShare + " (expected: 0 < share <= 1)");
        }
        String subtitle = String.format(Locale.ROOT, "%s; %s; %s, %s measured per scenario, reload every %s",
                machine(), jdk(), ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")),
                DurationText.format(duration), DurationText.format(reloadEvery));
        return new BenchSettings(appKind, duration, warm, reloadEvery, slice, bucket, connections, timeout, failPause, path,
                passList, rate, pacedShare, scenarioSet, trigger, java.util.Optional.ofNullable(probation), out, subtitle);
    }

    private void positive(String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new ParameterException(spec.commandLine(), name + ": " + value + " (expected: > 0)");
        }
    }

    private Map<String, Object> runInfo(BenchSettings settings) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("started", ZonedDateTime.now().toOffsetDateTime().toString());
        info.put("commit", commit);
        info.put("machine", machine());
        info.put("jdk", jdk());
        info.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("duration_s", settings.duration().toMillis() / 1000.0);
        s.put("warm_s", settings.warm().toMillis() / 1000.0);
        s.put("reload_every_s", settings.reloadEvery().toMillis() / 1000.0);
        s.put("reload_via", reloadVia);
        s.put("steady_slice_s", settings.slice().toMillis() / 1000.0);
        s.put("bucket_ms", settings.bucket().toMillis());
        s.put("app", app);
        s.put("jvm_args", jvmArgs);
        s.put("app_args", appArgs);
        s.put("probation", probation == null ? "endlessd's default" : probation.toMillis() / 1000.0 + "s");
        s.put("ready_timeout_s", readyTimeout.toSeconds());
        s.put("drain_timeout_s", drainTimeout.toSeconds());
        info.put("settings", s);
        return info;
    }

    private static String machine() {
        String model = "unknown CPU";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(model);
        } catch (IOException e) {
            // keep "unknown CPU"
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + model + ")";
    }

    private static String jdk() {
        return "JDK " + System.getProperty("java.runtime.version");
    }
}
