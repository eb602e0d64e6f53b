package dev.endlessd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real systemd, booted in {@code systemd-nspawn} over a copy-on-write overlay of this machine's
 * own root: the container has this machine's packages (systemd, a JRE, dpkg) and none of its
 * running services, and whatever a test installs or breaks in it is gone when it powers off. It has
 * its own network (loopback only), its own pid namespace and a private mount namespace, so nothing
 * it does reaches the host: the overlay, its tmpfs and the nspawn mounts live in a mount namespace
 * of their own ({@code unshare --mount}) and vanish with it, as nspawn and the container vanish with
 * the pid namespace unshare makes around them.
 *
 * <p>The directory {@code staged} is bound read-only at {@link #STAGED} inside.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class SystemdContainer {
    static final String STAGED = "/mnt/endlessd-it";
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Duration BOOT_DEADLINE = Duration.ofMinutes(2);
    private static final Duration POWEROFF_DEADLINE = Duration.ofMinutes(1);
    /** Above the units' TimeoutStartSec=90s, which bounds a systemctl reload. */
    private static final Duration COMMAND_DEADLINE = Duration.ofMinutes(2);
    private static final AtomicInteger BOOTS = new AtomicInteger();

    /** systemd-nspawn cannot run here, and why; the test that needs it is skipped, saying so. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String reason) {
            super(reason);
        }
    }

    /** unshare, whose child runs nspawn. */
    private final Process unshare;
    private final long init;
    private final Path console;
    private final Path staged;
    private final Duration bootTime;
    private final AtomicInteger files = new AtomicInteger();

    private SystemdContainer(Process unshare, long init, Path console, Path staged, Duration bootTime) {
        this.unshare = unshare;
        this.init = init;
        this.console = console;
        this.staged = staged;
        this.bootTime = bootTime;
    }

    /**
     * Boots the container and waits until its systemd has finished starting up.
     *
     * @param scratch an empty directory: the mount point of the overlay's tmpfs (on the host it stays empty)
     * @param console where nspawn's and the container's console output go
     * @throws Unavailable when this machine cannot run it (not root, no systemd-nspawn, no overlayfs,
     *     no namespaces), with the reason and what nspawn printed
     */
    static SystemdContainer boot(Path scratch, Path staged, Path console) throws Unavailable, IOException, InterruptedException {
        preconditions();
        String machine = "endlessd-it-" + ProcessHandle.current().pid() + "-" + BOOTS.incrementAndGet();
        // $1 the scratch directory, $2 the staged directory, $3 the machine name
        String script = String.join("\n",
                "set -e",
                "mount -t tmpfs -o mode=0755 endlessd-it \"$1\"",
                "mkdir \"$1/upper\" \"$1/work\" \"$1/root\"",
                "mount -t overlay endlessd-it -o \"lowerdir=/,upperdir=$1/upper,workdir=$1/work\" \"$1/root\"",
                // basic.target: journald and the service manager, none of this machine's own services
                "exec systemd-nspawn --quiet --directory=\"$1/root\" --machine=\"$3\" --private-network --register=no"
                        + " --keep-unit --console=read-only --bind-ro=\"$2:" + STAGED + "\" --boot systemd.unit=basic.target");
        long started = System.nanoTime();
        // Should this JVM die (a killed build), nothing may stay behind: unshare dies with it (setpriv's
        // parent-death signal), and with unshare the first process of the pid namespace it made
        // (--kill-child), which takes every process of that namespace along, nspawn and the container
        // included. nspawn alone would leave the container's systemd running.
        Process unshare = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "--",
                "unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child=SIGKILL", "--mount-proc", "--",
                "sh", "-c", script, "sh", scratch.toString(), staged.toString(), machine)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(console.toFile())
                .start();
        long deadline = started + BOOT_DEADLINE.toNanos();
        String state = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!unshare.isAlive()) {
                throw new Unavailable("unshare or systemd-nspawn exited with " + unshare.exitValue()
                        + " before the container booted:\n" + tail(console));
            }
            // unshare's child is sh, then nspawn; nspawn's child is the container's systemd, once nspawn's own
            // helper children are gone
            Optional<ProcessHandle> init = unshare.toHandle().children().findFirst().stream()
                    .flatMap(ProcessHandle::children)
                    .filter(child -> child.info().command().orElse("").endsWith("/systemd"))
                    .findFirst();
            if (init.isPresent()) {
                Command.Result running = Command.run(enter(init.get().pid(), List.of("systemctl", "is-system-running", "--wait")),
                        SystemdContainer::cleanEnvironment, BOOT_DEADLINE);
                state = running.output().strip();
                // degraded: a unit of this machine's own failed to start in the container; ours are not involved yet
                if (state.equals("running") || state.equals("degraded")) {
                    return new SystemdContainer(unshare, init.get().pid(), console, staged,
                            Duration.ofNanos(System.nanoTime() - started));
                }
            }
            Thread.sleep(200);
        }
        unshare.destroyForcibly().waitFor();
        throw new Unavailable("the container's systemd did not finish booting within " + BOOT_DEADLINE + " (last state: "
                + state + "):\n" + tail(console));
    }

    private static void preconditions() throws Unavailable, IOException {
        if (!System.getProperty("os.name").equals("Linux")) {
            throw new Unavailable("not Linux");
        }
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid != 0) {
            throw new Unavailable("runs as uid " + uid + ": mounting an overlay and booting systemd-nspawn need root");
        }
        for (String tool : List.of("systemd-nspawn", "unshare", "nsenter", "setpriv")) {
            if (!Command.onPath(tool)) {
                throw new Unavailable(tool + " is not on PATH (install systemd-container and util-linux; .ci/run does)");
            }
        }
    }

    /** How long the boot took, from starting nspawn to systemd's "running". */
    Duration bootTime() {
        return bootTime;
    }

    /** Runs a command inside, as root, with a plain environment; waits for it (at most two minutes). */
    Command.Result exec(String... command) throws IOException, InterruptedException {
        return Command.run(enter(init, List.of(command)), SystemdContainer::cleanEnvironment, COMMAND_DEADLINE);
    }

    /** {@link #exec}, asserting that it succeeds. */
    Command.Result succeed(String... command) throws IOException, InterruptedException {
        Command.Result result = exec(command);
        assertEquals(0, result.exitCode(), result::describe);
        return result;
    }

    /** Starts a command inside and returns at once: its stdin and stdout are pipes to the caller. */
    Process spawn(String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(enter(init, List.of(command))).redirectErrorStream(true);
        cleanEnvironment(builder.environment());
        return builder.start();
    }

    /** Writes {@code content} to {@code path} inside, mode 0644, creating its directory. */
    void write(String path, String content) throws IOException, InterruptedException {
        Path file = staged.resolve("file-" + files.incrementAndGet());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        succeed("install", "-D", "-m", "0644", STAGED + "/" + file.getFileName(), path);
    }

    /** Powers the container off, waits for nspawn to exit, and kills everything (unshare's pid namespace) if it does not. */
    void powerOff() throws IOException, InterruptedException {
        exec("systemctl", "poweroff");
        if (!unshare.waitFor(POWEROFF_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            unshare.destroyForcibly().waitFor();
        }
    }

    /** The last lines nspawn and the container's console printed. */
    String console() throws IOException {
        return tail(console);
    }

    private static List<String> enter(long pid, List<String> command) {
        List<String> entered = new ArrayList<>(List.of("nsenter", "--target", Long.toString(pid), "--all", "--"));
        entered.addAll(command);
        return entered;
    }

    /** Nothing of the build's environment (JAVA_HOME, a pyenv PATH) leaks in. */
    private static void cleanEnvironment(Map<String, String> environment) {
        environment.clear();
        environment.put("PATH", PATH);
        environment.put("LANG", "C.UTF-8");
        environment.put("SYSTEMD_PAGER", "cat");
        environment.put("SYSTEMD_COLORS", "0");
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "(no output)";
        }
        List<String> lines = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
