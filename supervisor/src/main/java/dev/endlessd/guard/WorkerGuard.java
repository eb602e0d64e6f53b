package dev.endlessd.guard;

import dev.endlessd.os.ErrnoException;
import dev.endlessd.os.Posix;
import dev.endlessd.spawn.ExitStatus;
import dev.endlessd.spawn.ProcessLauncher;
import dev.endlessd.spawn.SpawnRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code /bin/sh} child of endlessd that holds the read end of a pipe whose only write end
 * endlessd keeps, across upgrades too. endlessd writes {@code +PGID} for each worker it starts and
 * {@code -PGID} for each it reaped; when the pipe reaches its end, endlessd is gone (SIGKILL, a crash)
 * and the guard sends SIGTERM to the groups it still knows, then SIGKILL to those still there after
 * the drain timeout.
 *
 * <p>Why not {@code PR_SET_PDEATHSIG}: it fires when the <em>thread</em> that spawned a worker ends,
 * and execve ends every thread but its caller; after an upgrade the workers' spawning thread is the
 * new JVM's primordial one, which the next upgrade ends too ({@code bench/pdeathsig-exec} shows all
 * three on Linux 6.18). A pipe's end is tied to the process alone. The guard leads a session of its
 * own, so a terminal's ^C does not reach it, and has no parent-death signal itself.
 *
 * <p>Thread-safe: {@link #watch} and {@link #forget} write one line each, which a pipe takes whole.
 * The write end is non-blocking: a guard that stopped reading costs a warning, never the event loop.
 */
public final class WorkerGuard implements ProcessLauncher.ChildWatch {
    private static final Logger log = LoggerFactory.getLogger(WorkerGuard.class);
    static final String SHELL = "/bin/sh";
    /** Where the shell finds the script: in its environment rather than its arguments, which {@code ps} shows. */
    static final String SCRIPT_VARIABLE = "ENDLESSD_GUARD_SCRIPT";
    /** $1 the instance's name, $2 the drain timeout in whole seconds; the pipe's read end is fd 3. */
    static final String SCRIPT = """
            unset ENDLESSD_GUARD_SCRIPT
            exec 0<&3 3<&-
            name=$1 ticks=$(( $2 * 5 )) groups=' '
            while IFS= read -r line; do
                case $line in
                    *[!0-9+-]* | ?*[+-]* | [+-] ) ;;
                    +*) groups="$groups${line#+} " ;;
                    -*) case $groups in *" ${line#-} "*) groups="${groups%% ${line#-} *} ${groups#* ${line#-} }" ;; esac ;;
                esac
            done
            [ "$groups" = ' ' ] && exit 0
            echo "endlessd-guard[$name]: endlessd is gone without stopping its workers: SIGTERM to process group(s)$groups" >&2
            for g in $groups; do kill -TERM "-$g" 2>/dev/null; done
            while [ "$ticks" -gt 0 ]; do
                alive=
                for g in $groups; do kill -0 "-$g" 2>/dev/null && alive="$alive $g"; done
                [ -z "$alive" ] && exit 0
                groups=$alive ticks=$(( ticks - 1 ))
                sleep 0.2
            done
            echo "endlessd-guard[$name]: process group(s) $groups still run $2s after SIGTERM: SIGKILL" >&2
            for g in $groups; do kill -KILL "-$g" 2>/dev/null; done
            """;

    private final int pid;
    private final int fd;
    private boolean warned;

    private WorkerGuard(int pid, int fd) {
        this.pid = pid;
        this.fd = fd;
    }

    /**
     * Starts a guard for {@code groups}, the process groups alive now.
     *
     * @param onExit told, on a reaper thread, when the guard itself ended: it must be started again
     */
    public static WorkerGuard start(ProcessLauncher launcher, String instance, Duration drainTimeout,
                                    Map<String, String> environment, List<Integer> groups,
                                    Consumer<ExitStatus> onExit) throws IOException {
        int[] pipe = Posix.pipe();
        int pid;
        try {
            long seconds = Math.max(1, (drainTimeout.toMillis() + 999) / 1000);
            pid = launcher.spawn(new SpawnRequest(List.of(SHELL, "-c", "eval \"$" + SCRIPT_VARIABLE + "\"",
                    "endlessd-guard", instance, Long.toString(seconds)),
                    Map.of("PATH", environment.getOrDefault("PATH", "/usr/bin:/bin"), SCRIPT_VARIABLE, SCRIPT),
                    List.of(pipe[0])), onExit);
        } catch (IOException | RuntimeException e) {
            Posix.close(pipe[1]);
            throw new IOException("cannot start the guard that stops the workers should endlessd die: "
                    + e.getMessage(), e);
        } finally {
            Posix.close(pipe[0]);
        }
        WorkerGuard guard = new WorkerGuard(pid, pipe[1]);
        try {
            Posix.setNonBlocking(pipe[1]);
        } catch (IOException e) {
            log.warn("guard pid={}: its pipe stays blocking ({})", pid, e.getMessage());
        }
        groups.forEach(guard::watch);
        return guard;
    }

    /** The guard an upgraded endlessd finds running: its pid and the write end it carried. */
    public static WorkerGuard adopt(int pid, int fd) {
        return new WorkerGuard(pid, fd);
    }

    public int pid() {
        return pid;
    }

    /** The write end, which endlessd alone holds: kept across an upgrade's exec, closed nowhere else. */
    public int fd() {
        return fd;
    }

    @Override
    public void watch(int pgid) {
        send("+" + pgid);
    }

    @Override
    public void forget(int pgid) {
        send("-" + pgid);
    }

    /** Closes the write end: a guard with no group to watch then exits. */
    public void close() {
        Posix.close(fd);
    }

    private synchronized void send(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            if (Posix.write(fd, bytes) != bytes.length) {
                throw new IOException("short write");
            }
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                log.warn("guard pid={} cannot be told '{}' ({}): should endlessd die, that worker group would outlive it",
                        pid, line, e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "guard pid=" + pid;
    }
}
