package dev.endlessd.upgrade;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a running endlessd hands over to the code it executes in its own process on upgrade: the
 * descriptors it keeps open across the exec (listeners, control socket, lock, guard, the workers'
 * notify sockets, the control connections waiting for an answer), its own history, and the
 * supervision state. Written by {@link HandoffCodec} in format {@link #VERSION}.
 *
 * @param pid              the process the state belongs to: the new code refuses a state addressed to another
 * @param writtenBy        endlessd's version that wrote it
 * @param startedAt        when the process started, before any upgrade
 * @param upgradedAt       when this upgrade began
 * @param upgrades         how many upgrades this process has gone through, this one included
 * @param arguments        endlessd's own command line, which the new code parses again
 * @param ignoredSignals   signals ignored across the exec ("HUP"), to be given back their default first
 * @param upgradeWaiterFds control connections waiting for the answer to {@code upgrade}
 * @param reloadWaiterFds  control connections waiting for the answer to a reload asked for during the upgrade
 */
public record Handoff(int pid, String writtenBy, Instant startedAt, Instant upgradedAt, int upgrades,
                      List<String> arguments, int lockFd, int controlFd, List<CarriedListener> listeners,
                      Optional<CarriedGuard> guard, Supervision supervision, List<Integer> upgradeWaiterFds,
                      List<Integer> reloadWaiterFds, List<String> ignoredSignals) {

    /** The format this code writes and the only one it reads. Any change of the format takes a new number. */
    public static final int VERSION = 1;

    public Handoff {
        arguments = List.copyOf(arguments);
        listeners = List.copyOf(listeners);
        upgradeWaiterFds = List.copyOf(upgradeWaiterFds);
        reloadWaiterFds = List.copyOf(reloadWaiterFds);
        ignoredSignals = List.copyOf(ignoredSignals);
    }

    /** Every descriptor the state names: what must survive the exec, and nothing else. */
    public List<Integer> carriedFds() {
        List<Integer> fds = new java.util.ArrayList<>();
        fds.add(lockFd);
        fds.add(controlFd);
        listeners.forEach(listener -> fds.add(listener.fd()));
        guard.ifPresent(g -> fds.add(g.fd()));
        supervision.workers().stream().filter(w -> w.notifyFd() >= 0).forEach(w -> fds.add(w.notifyFd()));
        fds.addAll(upgradeWaiterFds);
        fds.addAll(reloadWaiterFds);
        return fds;
    }

    /** A listening socket, in the order workers get them (fd 3, 4, ...). */
    public record CarriedListener(int fd, String name, String description) {
    }

    /** The process that stops the workers if endlessd itself dies, and the write end of its pipe. */
    public record CarriedGuard(int pid, int fd) {
    }

    /**
     * The supervisor's state.
     *
     * @param lastGeneration the generation of the newest worker ever started
     * @param queuedReloads  reloads asked for during the upgrade, SIGHUP included, to run after it
     */
    public record Supervision(long lastGeneration, List<CarriedWorker> workers, List<LeftoverGroup> leftoverGroups,
                              Optional<CarriedReload> lastReload, int queuedReloads) {
        public Supervision {
            workers = List.copyOf(workers);
            leftoverGroups = List.copyOf(leftoverGroups);
        }
    }

    /** Where a carried worker is: only these two, since an upgrade waits for any starting worker to settle. */
    public enum CarriedState { READY, DRAINING }

    /**
     * A running worker. Times are {@code System.nanoTime()} values: CLOCK_MONOTONIC, the same
     * clock for the process before and after the exec.
     *
     * @param drainingSinceNanos 0 unless DRAINING
     * @param notifyFd           the worker's own notify socket, or -1 when it has none open
     */
    public record CarriedWorker(long generation, int pid, CarriedState state, long startedNanos, long readyNanos,
                                long drainingSinceNanos, String status, int notifyFd, String notifyPath) {
    }

    /** The process group of a worker that exited and left processes behind, and when they get SIGKILL. */
    public record LeftoverGroup(int pgid, long killAtNanos) {
    }

    /**
     * The last start, reload or restart, as {@code status} shows it.
     *
     * @param pid         0 when it failed
     * @param timeToReady 0 when it failed
     * @param reason      empty when it succeeded
     */
    public record CarriedReload(String kind, boolean succeeded, long generation, int pid, long timeToReadyMillis,
                                String reason, long tookMillis, Instant finishedAt) {
    }
}
