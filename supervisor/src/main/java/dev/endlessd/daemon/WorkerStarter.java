package dev.endlessd.daemon;

import java.io.IOException;

/**
 * Starts and signals the processes behind {@link Worker}s. Production spawns real processes with
 * their own notify socket; tests of the supervisor's decisions substitute a fake.
 */
interface WorkerStarter {

    /**
     * Starts {@code worker}'s process, reporting its notify messages and its exit to {@code events}
     * on the supervisor's thread. Whatever it throws, it leaves nothing behind: no process, no socket.
     *
     * @return the pid
     */
    int start(Worker worker, WorkerEvents events) throws IOException;

    /**
     * Sends {@code signal} to the worker's process, or to its whole process group; signal 0 only
     * checks that the target exists.
     *
     * @return false when the process (or group) no longer exists
     */
    boolean signal(Worker worker, int signal, boolean wholeGroup);

    /** The worker serves from now on: it gets the CPU priority it was started without. */
    void ready(Worker worker);

    /** Frees what {@link #start} set up for the worker (its notify socket); called once it has exited. */
    void release(Worker worker);

    /**
     * Takes over a worker a previous program of this process started (an upgrade): reaps it and
     * reads its notify socket, already open as {@code notifyFd} (-1: none), like one started here.
     */
    void adopt(Worker worker, int notifyFd, String notifyPath, WorkerEvents events) throws IOException;

    /** The worker's notify socket, to carry across an upgrade: its fd and path; empty when it has none. */
    java.util.Optional<NotifyEnd> notifySocket(Worker worker);

    /** A notify socket's descriptor and path. */
    record NotifyEnd(int fd, String path) {
    }
}
