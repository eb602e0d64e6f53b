package dev.endlessd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

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
    /** systemd takes them for joined (one hierarchy on most hosts): it uses cpu on v1 only where it can write both. */
    private static final List<String> CPU_CONTROLLERS = List.of("cpu", "cpuacct");

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

    /** The host's v1 cgroups the container runs in, made for it (empty when it runs in the host's own). */
    private final List<Path> hostCgroups;

    private SystemdContainer(Process unshare, long init, Path console, Path staged, Duration bootTime,
                             List<Path> hostCgroups) {
        this.unshare = unshare;
        this.init = init;
        this.console = console;
        this.staged = staged;
        this.bootTime = bootTime;
        this.hostCgroups = hostCgroups;
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
        return boot(scratch, staged, console, List.of());
    }

    /**
     * {@link #boot}, with the container in cgroups of its own in the host's v1 {@code cpu} and
     * {@code cpuacct} hierarchies, made for it and removed at {@link #powerOff}: the root of those
     * hierarchies in the container's cgroup namespace, so that {@link #writableCpuHierarchies} cannot let
     * it write the host's.
     *
     * @throws Unavailable where the host has no such v1 hierarchies (then nspawn's container sees none either)
     */
    static SystemdContainer bootInCpuCgroups(Path scratch, Path staged, Path console)
            throws Unavailable, IOException, InterruptedException {
        preconditions();
        List<Path> hierarchies = new ArrayList<>();
        for (String controller : CPU_CONTROLLERS) {
            Optional<Path> hierarchy = v1Hierarchy(controller);
            if (hierarchy.isEmpty()) {
                throw new Unavailable("the host has no cgroup v1 hierarchy with the " + controller + " controller alone ("
                        + cgroupMounts() + ")");
            }
            hierarchies.add(hierarchy.get());
        }
        return boot(scratch, staged, console, hierarchies);
    }

    private static SystemdContainer boot(Path scratch, Path staged, Path console, List<Path> cpuHierarchies)
            throws Unavailable, IOException, InterruptedException {
        String machine = "endlessd-it-" + ProcessHandle.current().pid() + "-" + BOOTS.incrementAndGet();
        List<Path> hostCgroups = new ArrayList<>();
        try {
            for (Path hierarchy : cpuHierarchies) {
                hostCgroups.add(Files.createDirectory(hierarchy.resolve(machine)));
            }
            return start(scratch, staged, console, machine, hostCgroups);
        } catch (Unavailable | IOException | InterruptedException | RuntimeException e) {
            try {
                removeCgroups(hostCgroups);
            } catch (IOException | InterruptedException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Starts nspawn in {@code hostCgroups} and waits for its systemd; kills it on any failure. */
    private static SystemdContainer start(Path scratch, Path staged, Path console, String machine, List<Path> hostCgroups)
            throws Unavailable, IOException, InterruptedException {
        // $1 the scratch directory, $2 the staged directory, $3 the machine name, then the host cgroups to join:
        // the shell joins them (0 is the writer itself) before nspawn makes the container's cgroup namespace
        String script = String.join("\n",
                "set -e",
                "for cgroup in \"${@:4}\"; do echo 0 > \"$cgroup/cgroup.procs\"; done",
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
        Process unshare = new ProcessBuilder(command(script, scratch, staged, machine, hostCgroups))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(console.toFile())
                .start();
        boolean booted = false;
        try {
            SystemdContainer container = awaitBoot(unshare, started, console, staged, hostCgroups);
            booted = true;
            return container;
        } finally {
            if (!booted) {
                unshare.destroyForcibly().waitFor();
            }
        }
    }

    private static SystemdContainer awaitBoot(Process unshare, long started, Path console, Path staged, List<Path> hostCgroups)
            throws Unavailable, IOException, InterruptedException {
        long deadline = started + BOOT_DEADLINE.toNanos();
        String state = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!unshare.isAlive()) {
                throw new Unavailable("unshare or systemd-nspawn exited with " + unshare.exitValue()
                        + " before the container booted:\n" + tail(console));
            }
            // unshare's child is bash, then nspawn; nspawn's child is the container's systemd, once nspawn's own
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
                            Duration.ofNanos(System.nanoTime() - started), hostCgroups);
                }
            }
            Thread.sleep(200);
        }
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

    /**
     * Makes the v1 {@code cpu} and {@code cpuacct} hierarchies writable in the container, which nspawn
     * mounts read-only, and has its systemd execute itself again, so that it manages them as a host's
     * systemd on a hybrid layout does: it writes the v1 controller hierarchies it can write and makes
     * units cgroups there, both at once, as it takes {@code cpu} and {@code cpuacct} for joined.
     * Only after {@link #bootInCpuCgroups}: what the container writes is then in the host's cgroups made
     * for it.
     */
    void writableCpuHierarchies() throws IOException, InterruptedException {
        if (hostCgroups.isEmpty()) {
            throw new IllegalStateException("booted in the host's own cpu cgroups: writing them would write the host's");
        }
        for (String controller : CPU_CONTROLLERS) {
            succeed("mount", "-o", "remount,bind,rw", "/sys/fs/cgroup/" + controller);
        }
        succeed("systemctl", "daemon-reexec");
        long deadline = System.nanoTime() + BOOT_DEADLINE.toNanos();
        String state;
        do {
            state = exec("systemctl", "is-system-running", "--wait").output().strip();
            if (state.equals("running") || state.equals("degraded")) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("the container's systemd did not come back within " + BOOT_DEADLINE
                + " after daemon-reexec (last state: " + state + ")");
    }

    /** Powers the container off, waits for nspawn to exit, and kills everything (unshare's pid namespace) if it does not. */
    void powerOff() throws IOException, InterruptedException {
        exec("systemctl", "poweroff");
        if (!unshare.waitFor(POWEROFF_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            unshare.destroyForcibly().waitFor();
        }
        removeCgroups(hostCgroups);
    }

    /**
     * Removes the host cgroups made for a container, children first, once the processes in them are
     * gone (the pid namespace's end takes a moment after nspawn's).
     */
    private static void removeCgroups(List<Path> cgroups) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + POWEROFF_DEADLINE.toNanos();
        for (Path cgroup : cgroups) {
            while (true) {
                List<Path> directories;
                try (Stream<Path> tree = Files.walk(cgroup)) {
                    directories = tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
                } catch (NoSuchFileException gone) {
                    break;
                }
                try {
                    for (Path directory : directories) {
                        Files.delete(directory);
                    }
                    break;
                } catch (IOException busy) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("cannot remove the container's host cgroup " + cgroup + ": " + busy, busy);
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    private static List<String> command(String script, Path scratch, Path staged, String machine, List<Path> hostCgroups) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--",
                "unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child=SIGKILL", "--mount-proc", "--",
                "bash", "-c", script, "bash", scratch.toString(), staged.toString(), machine));
        hostCgroups.forEach(cgroup -> command.add(cgroup.toString()));
        return command;
    }

    /** Where the host mounts the v1 hierarchy that has {@code controller} and no other controller. */
    private static Optional<Path> v1Hierarchy(String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (separator > 0 && fields.length > separator + 3 && fields[3].equals("/") && fields[separator + 1].equals("cgroup")
                    && List.of(fields[separator + 3].split(",")).stream().filter(CPU_CONTROLLERS::contains).toList()
                    .equals(List.of(controller))) {
                return Optional.of(Path.of(fields[4]));
            }
        }
        return Optional.empty();
    }

    private static String cgroupMounts() throws IOException {
        return String.join("; ", Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(line -> line.contains(" - cgroup")).toList());
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
