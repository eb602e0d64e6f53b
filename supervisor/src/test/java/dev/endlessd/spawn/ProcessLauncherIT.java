package dev.endlessd.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real children of this JVM: spawned, reaped, and never left behind when something fails half-way. */
@Timeout(60)
class ProcessLauncherIT {
    @Test
    void aChildIsReapedAndItsExitReportedOnce() throws Exception {
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        int pid = new ProcessLauncher().spawn(shell("exit 7"), exit::complete);

        assertEquals(ExitStatus.exited(7), exit.get(30, TimeUnit.SECONDS));
        DaemonProcess.await("pid " + pid + " reaped, no zombie", () -> !DaemonProcess.processExists(pid));
    }

    @Test
    void aChildWhoseReaperCannotStartIsKilledAndReapedAndNothingIsLeft() throws Exception {
        ProcessLauncher launcher = new ProcessLauncher(task -> {
            throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource"
                    + " limits reached");
        });

        SpawnException failed = assertThrows(SpawnException.class,
                () -> launcher.spawn(shell("exec sleep 60"), status -> { }));

        assertTrue(failed.getMessage().startsWith("cannot start a thread to wait for pid "), failed.getMessage());
        int pid = Integer.parseInt(failed.getMessage().replaceAll("\\D*(\\d+).*", "$1"));
        assertFalse(DaemonProcess.processExists(pid), "killed and reaped at once: not even a zombie");
        assertEquals(List.of(), Proc.group(pid), "nothing is left of its process group");
    }

    @Test
    void killAllReachesEveryChildNotReapedYet() throws Exception {
        ProcessLauncher launcher = new ProcessLauncher();
        CompletableFuture<ExitStatus> first = new CompletableFuture<>();
        CompletableFuture<ExitStatus> second = new CompletableFuture<>();
        launcher.spawn(shell("exec sleep 60"), first::complete);
        launcher.spawn(shell("exec sleep 60"), second::complete);

        launcher.killAll();

        assertEquals("killed by SIGKILL", first.get(30, TimeUnit.SECONDS).toString());
        assertEquals("killed by SIGKILL", second.get(30, TimeUnit.SECONDS).toString());
    }

    @Test
    void pidsBelowOneAreRefusedRatherThanSignallingOurOwnGroup() {
        ProcessLauncher launcher = new ProcessLauncher();
        for (int pid : new int[] {0, -1}) {
            assertThrows(IllegalArgumentException.class, () -> launcher.signal(pid, 0, true));
        }
    }

    private static SpawnRequest shell(String script) {
        assertTrue(Files.isExecutable(Path.of(WorkerCommand.SHELL)));
        return new SpawnRequest(List.of(WorkerCommand.SHELL, "-c", script), Map.of("PATH", "/usr/bin:/bin"), List.of());
    }
}
