package dev.endlessd.orphans;

import static dev.endlessd.it.DaemonProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Proc;
import dev.endlessd.it.Requirements;
import dev.endlessd.it.Signals;
import dev.endlessd.os.Posix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * endlessd as pid 1 of a pid namespace of its own, as in a container
 * ({@code unshare --pid --fork --mount-proc}, the way {@code image/ImageIT} runs the image): every
 * orphan of the namespace reaches it, is reaped, and SIGTERM drains and exits 0.
 */
@Timeout(120)
class Pid1IT {
    private static final int ORPHANS = 50;

    @TempDir
    Path dir;

    @BeforeEach
    void needsAPidNamespace() {
        Requirements.assumeUnshare("to run endlessd as pid 1");
    }

    @Test
    void asPid1ItReapsFiftyOrphansAndSigtermDrainsAndExitsZero() throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "--pid", "--fork", "--kill-child",
                "--mount-proc", DaemonProcess.launcher().toString(),
                "--cmd", Fixture.worker("--leave-orphans", Integer.toString(ORPHANS), "--orphan-life", "0.3"),
                "--listen", "127.0.0.1:0", "--runtime-dir", dir.resolve("run").toString()));
        try (DaemonProcess daemon = DaemonProcess.startRaw(dir, Map.of(), command)) {
            daemon.awaitLog("endlessd \\S+ pid=1 listening on");
            long pid1 = firstChild(daemon.pid());
            int worker = daemon.awaitServing(1);

            daemon.awaitLog("reaped orphan pid=\\d+: exit status 0", ORPHANS - 1);
            await("no zombie in the namespace", () -> Proc.zombieChildrenOf(pid1).isEmpty());
            assertEquals(2, Proc.childrenOf(pid1).size(), "the worker and the guard are left: "
                    + Proc.childrenOf(pid1));

            Posix.kill((int) pid1, Signals.SIGTERM);

            assertEquals(0, daemon.awaitExit(), daemon.log());
            assertTrue(daemon.log().matches("(?s).*stopping \\(SIGTERM\\).*gen=1 pid=" + worker
                    + " exited after draining [^:]+: exit status 0.*stopped: no worker left \\(exit code 0\\).*"), daemon.log());
        }
    }

    /** The host's pid of {@code parent}'s first child: pid 1 of the namespace unshare made. */
    private static long firstChild(long parent) {
        Path children = Path.of("/proc", Long.toString(parent), "task", Long.toString(parent), "children");
        await("unshare's child", () -> !read(children).isBlank());
        return Long.parseLong(read(children).trim().split(" ")[0]);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
