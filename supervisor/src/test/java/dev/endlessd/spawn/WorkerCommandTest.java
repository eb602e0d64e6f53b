package dev.endlessd.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerCommandTest {

    @Test
    void runsTheCommandThroughShExecSoItKeepsThePidThatLISTEN_PIDNames() {
        assertEquals(List.of("/bin/sh", "-c", "LISTEN_PID=$$; export LISTEN_PID; exec java -jar app.jar"),
                new WorkerCommand("java -jar app.jar").argv(ExecWrapper.none()));
    }

    @Test
    void aCommandThatAlreadyExecsIsNotExecedTwice() {
        assertEquals("LISTEN_PID=$$; export LISTEN_PID; exec ./server --port 1",
                new WorkerCommand("exec ./server --port 1").argv(ExecWrapper.none()).get(2));
    }

    @Test
    void executableNamesStartingWithExecAreStillExeced() {
        assertTrue(new WorkerCommand("executor --fast").argv(ExecWrapper.none()).get(2).endsWith("exec executor --fast"));
    }

    @Test
    void wrappersRunFirstAndExecTheShellSoOnlyTheShellReadsTheCommandLine() {
        ExecWrapper wrapper = ExecWrapper.none().nice(Path.of("/usr/bin/nice"), 10)
                .setpriv(Path.of("/usr/bin/setpriv"), new RunAs("app", 1001, 1002, "/srv/app", "/bin/sh"));
        assertEquals(List.of("/usr/bin/nice", "-n", "10", "/usr/bin/setpriv", "--reuid=1001",
                        "--regid=1002", "--init-groups", "--",
                        "/bin/sh", "-c", "LISTEN_PID=$$; export LISTEN_PID; exec ./server --port 1"),
                new WorkerCommand("exec ./server --port 1").argv(wrapper));
    }

    private static final RunAs APP = new RunAs("app", 1001, 1002, "/srv/app", "/bin/sh");

    @Test
    void onlyAWrapperWithNiceLowersThePriorityThatAReadyWorkerMustGetBack() {
        ExecWrapper setprivOnly = ExecWrapper.none().setpriv(Path.of("/usr/bin/setpriv"), APP);
        assertFalse(setprivOnly.lowersPriority(), "setpriv without nice, e.g. when nice is not installed");
        assertTrue(ExecWrapper.none().nice(Path.of("/usr/bin/nice"), 10).lowersPriority());
        assertTrue(ExecWrapper.none().nice(Path.of("/usr/bin/nice"), 10)
                .setpriv(Path.of("/usr/bin/setpriv"), APP).lowersPriority());
    }

    @Test
    void aWorkerJoinsItsGenerationsCgroupFirstAsRootAndThenExecsTheRest() throws Exception {
        ExecWrapper wrapper = ExecWrapper.forWorkers(0, Optional.of(Path.of("/sys/fs/cgroup/cpu/shop")),
                Optional.empty(), java.util.Map.of());
        List<String> argv = new WorkerCommand("exec ./server").argv(wrapper);
        assertEquals(List.of("/bin/sh", "-c"), argv.subList(0, 2));
        assertTrue(argv.get(2).contains("\"$0/gen-$ENDLESSD_GENERATION/cgroup.procs\"") && argv.get(2).endsWith("exec \"$@\""),
                argv.get(2));
        assertEquals(List.of("/sys/fs/cgroup/cpu/shop", "/bin/sh", "-c", "LISTEN_PID=$$; export LISTEN_PID; exec ./server"),
                argv.subList(3, argv.size()));
        assertFalse(wrapper.lowersPriority(), "no nice: the cgroup's weight is given back, not a priority");
    }

    @Test
    void emptyCommandIsRefusedWithTheFix() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new WorkerCommand("  "));
        assertTrue(error.getMessage().startsWith("cmd: \"  \" (expected: a command line"), error.getMessage());
    }
}
