package dev.endlessd.image;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An unpacked image run the way a container runtime runs it, with util-linux alone: a new pid
 * namespace in which the entrypoint is pid 1, a private mount namespace with /proc and /dev mounted
 * into the root filesystem, chroot into it, and the image's user (through the setpriv the image
 * ships), environment and working directory. The network is the host's, as with
 * {@code podman run --network host}. Needs root. Closing it kills the namespace.
 */
final class Container implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Mounts, then chroot; $0 is the root filesystem, the rest the command to run in it. */
    private static final String SETUP = "mkdir -p \"$0/proc\" \"$0/dev\" && %s --rbind /dev \"$0/dev\""
            + " && %s -t proc proc \"$0/proc\" && exec %s \"$0\" \"$@\"";

    private final Process unshare;
    private final OciImage.Config config;
    private final Path log;

    private Container(Process unshare, OciImage.Config config, Path log) {
        this.unshare = unshare;
        this.config = config;
        this.log = log;
    }

    /** Runs the image's entrypoint with {@code cmd} as its arguments, output to {@code log}. */
    static Container start(Path rootfs, OciImage.Config config, List<String> cmd, Path log) throws IOException {
        if (!config.workingDir().equals("/")) {
            throw new IllegalArgumentException("working directory " + config.workingDir() + ": only / is supported");
        }
        List<String> command = new ArrayList<>(List.of(tool("unshare"), "--pid", "--fork", "--kill-child", "--mount",
                "--propagation", "private", "/bin/sh", "-c",
                String.format(SETUP, tool("mount"), tool("mount"), tool("chroot")), rootfs.toString()));
        command.addAll(asUser(config));
        command.addAll(config.entrypoint());
        command.addAll(cmd);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        environment(builder, config);
        return new Container(builder.start(), config, log);
    }

    /** The host's pid of the container's pid 1 (the entrypoint, after its execs). */
    long pid1() {
        Path children = Path.of("/proc", Long.toString(unshare.pid()), "task", Long.toString(unshare.pid()), "children");
        await("the container's first process", () -> !read(children).isBlank());
        return Long.parseLong(read(children).trim().split(" ")[0]);
    }

    /** Runs {@code command} inside the running container, as its user, like {@code podman exec}. */
    Result exec(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of(tool("nsenter"), "--target", Long.toString(pid1()), "--mount",
                "--pid", "--root", "--wd", "--"));
        full.addAll(asUser(config));
        full.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        environment(builder, config);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(List.of(command) + " did not finish within " + DEADLINE);
        }
        return new Result(process.exitValue(), output);
    }

    /** What a command run in the container did. */
    record Result(int exitCode, String output) {
    }

    String log() {
        return read(log);
    }

    /** Waits for a log line matching {@code regex}; returns the match. */
    Matcher awaitLog(String regex) {
        Pattern pattern = Pattern.compile(regex);
        Matcher[] found = new Matcher[1];
        await("a log line matching /" + regex + "/", () -> {
            Matcher matcher = pattern.matcher(log());
            if (matcher.find()) {
                found[0] = matcher;
                return true;
            }
            return false;
        });
        return found[0];
    }

    /** SIGTERM to pid 1, as a container runtime stops a container; returns its exit code. */
    int stop() throws InterruptedException {
        ProcessHandle.of(pid1()).ifPresent(ProcessHandle::destroy);
        if (!unshare.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the container did not stop within " + DEADLINE + "; log:\n" + log());
        }
        return unshare.exitValue();
    }

    void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (!unshare.isAlive()) {
                throw new AssertionError(what + ": the container exited (" + unshare.exitValue() + "); log:\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + DEADLINE + "; log:\n" + log());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Kills pid 1, which ends every process of the namespace. */
    @Override
    public void close() {
        if (unshare.isAlive()) {
            unshare.destroyForcibly();
        }
    }

    private static List<String> asUser(OciImage.Config config) {
        if (config.user().isEmpty()) {
            return List.of();
        }
        String[] ids = config.user().split(":");
        return List.of("/usr/bin/setpriv", "--reuid", ids[0], "--regid", ids.length > 1 ? ids[1] : ids[0],
                "--clear-groups", "--");
    }

    /** Exactly the image's environment, as a runtime sets it (host tools are called by absolute path). */
    private static void environment(ProcessBuilder builder, OciImage.Config config) {
        Map<String, String> environment = builder.environment();
        environment.clear();
        for (String variable : config.env()) {
            String[] pair = variable.split("=", 2);
            environment.put(pair[0], pair[1]);
        }
    }

    private static String tool(String name) {
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        throw new IllegalStateException(name + " not found (util-linux, coreutils)");
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
