package dev.endlessd.spawn;

import dev.endlessd.os.Posix;
import java.util.function.Consumer;

/**
 * Spawns with {@link PosixSpawner}, reaps each child with a blocking {@code waitpid(pid)} on a
 * thread of its own, and signals with {@code kill}.
 *
 * <p>Reaping by pid, never {@code waitpid(-1)}, leaves the JDK's own process reaper its children.
 * A child is never reaped by anyone else, so its pid cannot be reused while we may still signal it.
 */
public final class PosixProcessLauncher implements ProcessLauncher {
    private static final long REAPER_STACK_BYTES = 128 * 1024;

    private final PosixSpawner spawner = new PosixSpawner();

    @Override
    public int spawn(SpawnRequest request, Consumer<ExitStatus> onExit) throws SpawnException {
        int pid = spawner.spawn(request);
        Thread reaper = new Thread(null, () -> onExit.accept(ExitStatus.decode(Posix.waitpid(pid))), "reaper-" + pid,
                REAPER_STACK_BYTES);
        reaper.setDaemon(true);
        reaper.start();
        return pid;
    }

    @Override
    public boolean signal(int pid, int signal, boolean wholeGroup) {
        return Posix.kill(wholeGroup ? -pid : pid, signal);
    }
}
