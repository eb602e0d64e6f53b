package dev.endlessd.upgrade;

import dev.endlessd.os.ErrnoException;
import dev.endlessd.os.Posix;
import dev.endlessd.os.SelfExec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The way back when the new code fails after the exec, before it took the workers over.
 *
 * <p>The pre-flight check runs the new code before the exec, but what runs after it can still differ
 * (the jar replaced again in between, a failure only the real take-over meets), and a process that
 * ends there leaves its workers to the guard, which stops them. So the previous code hands over, next
 * to the state, its own command line in an in-memory file named by {@link #VARIABLE}, with its jar
 * named through a descriptor it held open since it started ({@code /proc/self/fd/N}): after a package
 * upgrade the jar's path names the new jar. The new code keeps a copy of every carried descriptor
 * aside ({@link Kit}) until its take-over commits; should it fail first, it puts them back in place
 * and executes that command line, with {@link #OUTCOME_VARIABLE} telling the previous code why.
 *
 * <p>What it cannot help: a new JVM that does not start at all; a carried worker reaped by the new code
 * before it failed (the previous code then learns of its end without its exit status).
 */
public final class Rescue {
    /** {@code ENDLESSD_RESCUE_FD=N}: the way back, set only for the exec of an upgrade. */
    public static final String VARIABLE = "ENDLESSD_RESCUE_FD";
    /** {@code ENDLESSD_RESCUED=REASON}: set for the previous code executed again, with why the new code failed. */
    public static final String OUTCOME_VARIABLE = "ENDLESSD_RESCUED";
    private static final String FORMAT = "endlessd-rescue 1";
    private static final int MAX_BYTES = 1 << 20;
    private static final int MAX_REASON = 2000;
    private static final String OWN_DESCRIPTORS = "/proc/self/fd/";

    private final long pid;
    private final Path program;
    private final int jarFd;
    private final int[] ignoredSignals;
    private final List<String> argv;

    Rescue(long pid, Path program, int jarFd, int[] ignoredSignals, List<String> argv) {
        this.pid = pid;
        this.program = program;
        this.jarFd = jarFd;
        this.ignoredSignals = ignoredSignals.clone();
        this.argv = List.copyOf(argv);
    }

    /**
     * The jar this code runs from, open read-only and close-on-exec, for the way back of a later
     * upgrade. Opened when endlessd starts, while its path still names the code that runs.
     *
     * @throws IOException when this code does not run from a jar (from classes in a build, say)
     */
    public static int openOwnJar() throws IOException {
        Path jar;
        try {
            jar = Path.of(Rescue.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot tell which jar this code runs from: " + e, e);
        }
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is not a jar");
        }
        int fd = Posix.open(jar, Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot open " + jar + ": " + Posix.describe(Posix.errno()));
        }
        inheritedDescriptor(jar.toString()).ifPresent(Posix::close); // a way back that was taken: this holds it now
        return fd;
    }

    /**
     * Writes the way back to the code running now, its jar named through {@code jarFd}.
     *
     * @param ignoredSignals the signals this code ignores across the exec, which the way back must ignore too
     * @return an in-memory file without close-on-exec, to carry with {@code jarFd}
     */
    public static int write(int jarFd, int... ignoredSignals) throws IOException {
        Path program = Path.of("/proc/self/exe").toRealPath();
        byte[] cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> argv = withJar(split(cmdline), jarFd);
        int fd = SelfExec.memoryFile("endlessd-rescue");
        try {
            Posix.rewrite(fd, encode(new Rescue(ProcessHandle.current().pid(), program, jarFd, ignoredSignals, argv)));
        } catch (IOException e) {
            Posix.close(fd);
            throw new IOException("cannot write the way back: " + e.getMessage(), e);
        }
        return fd;
    }

    /** {@code argv} with the jar after {@code -jar} named through {@code jarFd}. */
    static List<String> withJar(List<String> argv, int jarFd) throws IOException {
        int at = argv.indexOf("-jar");
        if (at < 0 || at + 1 >= argv.size()) {
            throw new IOException("this JVM was not started with -jar: " + argv);
        }
        List<String> out = new ArrayList<>(argv);
        out.set(at + 1, OWN_DESCRIPTORS + jarFd);
        return out;
    }

    /**
     * The way back handed to this process, if its environment names one; that descriptor is closed.
     *
     * @throws HandoffException when it cannot be read, does not decode, or belongs to another process
     */
    public static Optional<Rescue> take(Map<String, String> environment, long ownPid) throws HandoffException {
        Optional<byte[]> bytes = HandoffFile.readNamed(environment, VARIABLE, MAX_BYTES + 1);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        Rescue rescue = decode(bytes.get());
        if (rescue.pid != ownPid) {
            throw new HandoffException("the way back at " + VARIABLE + "=" + environment.get(VARIABLE) + " belongs to pid " + rescue.pid
                    + ", not to this process (" + ownPid + "): unset " + VARIABLE + "; endlessd sets it only for its own"
                    + " upgrade");
        }
        return Optional.of(rescue);
    }

    static byte[] encode(Rescue rescue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> fields = new ArrayList<>(List.of(FORMAT, Long.toString(rescue.pid), rescue.program.toString(),
                Integer.toString(rescue.jarFd),
                java.util.Arrays.stream(rescue.ignoredSignals).mapToObj(Integer::toString)
                        .collect(java.util.stream.Collectors.joining(","))));
        fields.addAll(rescue.argv);
        for (String field : fields) {
            out.writeBytes(field.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    static Rescue decode(byte[] bytes) throws HandoffException {
        if (bytes.length > MAX_BYTES) {
            throw new HandoffException("the way back is larger than " + MAX_BYTES + " bytes");
        }
        if (bytes.length == 0 || bytes[bytes.length - 1] != 0) {
            throw new HandoffException("the way back is empty or truncated");
        }
        List<String> fields = split(bytes);
        if (!fields.get(0).equals(FORMAT)) {
            throw new HandoffException("the way back is in format \"" + fields.get(0) + "\", this code reads \"" + FORMAT
                    + "\"");
        }
        if (fields.size() < 7) {
            throw new HandoffException("the way back names no command line");
        }
        long pid;
        int jarFd;
        int[] signals;
        try {
            pid = Long.parseLong(fields.get(1));
            jarFd = Integer.parseInt(fields.get(3));
            signals = fields.get(4).isEmpty() ? new int[0]
                    : java.util.Arrays.stream(fields.get(4).split(",", -1)).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new HandoffException("the way back names its pid, jar or signals by numbers that are none: \""
                    + fields.get(1) + "\", \"" + fields.get(3) + "\", \"" + fields.get(4) + "\"");
        }
        return new Rescue(pid, Path.of(fields.get(2)), jarFd, signals, fields.subList(5, fields.size()));
    }

    private static List<String> split(byte[] nulTerminated) {
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < nulTerminated.length; i++) {
            if (nulTerminated[i] == 0) {
                fields.add(new String(nulTerminated, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return fields;
    }

    private static Optional<Integer> inheritedDescriptor(String path) {
        if (!path.startsWith(OWN_DESCRIPTORS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(path.substring(OWN_DESCRIPTORS.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    Path program() {
        return program;
    }

    int jarFd() {
        return jarFd;
    }

    List<String> argv() {
        return argv;
    }

    int[] ignoredSignals() {
        return ignoredSignals.clone();
    }

    /** A kit to go back with: the copies of the carried descriptors, kept aside from now on. */
    public Kit kit() {
        return new Kit(Optional.of(this), "");
    }

    /**
     * The copies of the carried descriptors, kept aside until the take-over commits or the way back
     * is taken, whichever comes first. Thread-safe, though both happen on the thread that starts the daemon.
     */
    public static final class Kit {
        private enum State { OPEN, COMMITTED, TAKEN }

        private final Optional<Rescue> way;
        private final String none;
        private final Map<Integer, Integer> aside = new LinkedHashMap<>();
        private State state = State.OPEN;
        private String closedBecause = "the new code had already begun to take the workers over";

        private Kit(Optional<Rescue> way, String none) {
            this.way = way;
            this.none = none;
        }

        /** No way back, for the reason given (which completes "cannot go back: "). */
        public static Kit none(String reason) {
            return new Kit(Optional.empty(), reason);
        }

        /**
         * Keeps copies of {@code fds} aside, before anything else uses them. Should that fail, there is
         * no way back: the copies made so far are closed.
         */
        public synchronized void keep(Collection<Integer> fds) throws ErrnoException {
            if (way.isEmpty() || state != State.OPEN) {
                return;
            }
            for (int fd : fds) {
                if (!aside.containsKey(fd)) {
                    try {
                        aside.put(fd, SelfExec.copyAside(fd));
                    } catch (ErrnoException e) {
                        close();
                        closedBecause = "the carried descriptors could not be kept aside (" + e.getMessage() + ")";
                        throw e;
                    }
                }
            }
        }

        /**
         * The new code took over: the way back is closed and its copies with it.
         *
         * @return false when the way back was taken first, and the take-over must not happen
         */
        public synchronized boolean commit() {
            if (state == State.TAKEN) {
                return false;
            }
            close();
            return true;
        }

        /**
         * Puts the carried descriptors back in place and executes the previous code, which learns
         * {@code reason} from {@link #OUTCOME_VARIABLE}.
         *
         * @param environment the environment this process was executed with
         * @return why the way back cannot be taken: it was committed, there is none, or the exec failed
         */
        public synchronized String goBack(Map<String, String> environment, String reason) {
            if (way.isEmpty()) {
                return none;
            }
            if (state != State.OPEN) {
                return closedBecause;
            }
            state = State.TAKEN;
            Rescue rescue = way.get();
            try {
                for (Map.Entry<Integer, Integer> copy : aside.entrySet()) {
                    SelfExec.putBack(copy.getValue(), copy.getKey());
                }
                java.util.Set<Integer> carried = new java.util.HashSet<>(aside.keySet());
                carried.add(rescue.jarFd);
                SelfExec.closeOnExecExcept(carried);
                SelfExec.ignore(rescue.ignoredSignals);
            } catch (IOException e) {
                return e.getMessage();
            }
            Map<String, String> back = new HashMap<>(environment);
            back.remove(VARIABLE);
            back.put(OUTCOME_VARIABLE, oneLine(reason));
            return SelfExec.exec(rescue.program, rescue.argv, back).getMessage();
        }

        private void close() {
            if (state == State.OPEN) {
                state = State.COMMITTED;
                aside.values().forEach(Posix::close);
                aside.clear();
                way.ifPresent(w -> Posix.close(w.jarFd));
            }
        }

        private static String oneLine(String reason) {
            String line = reason.replaceAll("[\\p{Cntrl}]", " ");
            return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON) + "...";
        }
    }
}
