package dev.endlessd.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reaper reports every exit exactly once, even when waiting for it failed. */
class ReaperTest {

    @Test
    void aChildThatWasWaitedForIsReportedWithItsStatus() {
        List<ExitStatus> reported = new ArrayList<>();

        ProcessLauncher.reap(4242, pid -> 3 << 8, reported::add);

        assertEquals(List.of(ExitStatus.exited(3)), reported);
    }

    @Test
    void aWaitThatFailsIsReportedAsAnExitWithAnUnknownStatus() {
        List<ExitStatus> reported = new ArrayList<>();

        ProcessLauncher.reap(4242, pid -> {
            throw new IllegalStateException("waitpid(4242): No child processes (ECHILD)");
        }, reported::add);

        assertEquals(List.of(ExitStatus.unknown()), reported);
    }

    @Test
    void aWaitThatDiesOfAnErrorIsReportedToo() {
        List<ExitStatus> reported = new ArrayList<>();

        ProcessLauncher.reap(4242, pid -> {
            throw new StackOverflowError();
        }, reported::add);

        assertEquals(List.of(ExitStatus.unknown()), reported);
    }
}
