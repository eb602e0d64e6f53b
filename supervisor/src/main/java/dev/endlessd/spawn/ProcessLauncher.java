package dev.endlessd.spawn;

import java.util.function.Consumer;

/**
 * Starts worker processes, signals them and reports their exits. The supervisor's only door to
 * the operating system's process table; tests of the supervisor's decisions replace it.
 */
public interface ProcessLauncher {

    /**
     * Starts a process in a new session of its own, whose process group has the process's pid as id
     * (so its whole tree can be killed, and it has no controlling terminal).
     *
     * @param onExit called exactly once, on an arbitrary thread, after the child has been reaped
     * @return the child's pid
     */
    int spawn(SpawnRequest request, Consumer<ExitStatus> onExit) throws SpawnException;

    /**
     * Sends {@code signal} to the process, or to its whole process group.
     *
     * @return false when the target no longer exists
     */
    boolean signal(int pid, int signal, boolean wholeGroup);
}
