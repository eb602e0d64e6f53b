package dev.endlessd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Http;
import dev.endlessd.it.Proc;
import dev.endlessd.it.Signals;
import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * endlessd out of file descriptors when a reload starts: opening the new worker's notify socket fails
 * with EMFILE. In 0.1.0 Netty's unchecked exception escaped after the attempt was recorded and wedged
 * the supervisor ("gen=2 pid=0 starting" forever; a crashed worker never restarted; later reloads
 * queued forever). Now the attempt fails like any other, the old worker serves on, and once
 * descriptors are free again reloads and crash restarts work.
 *
 * <p>The limit is lowered on the running daemon with prlimit(1), to exactly the descriptor the
 * reload would need next: its lowest free descriptor number for a SIGHUP, the one after that when a
 * client's control connection takes one first. Only the soft limit moves, so it can be raised back.
 */
@Timeout(180)
class FdExhaustionIT {
    @TempDir
    Path dir;

    @Test
    void aReloadWithoutDescriptorsFailsCleanlyAndReloadsAndRestartsWorkOnceThereAreSome() throws Exception {
        Path runtimeDir = dir.resolve("run");
        Client client = new Client(dir);
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            int serving = daemon.awaitServing(1);
            int port = daemon.port();
            Proc.Footprint before = Proc.Footprint.of(daemon.pid());
            String hardLimit = hardLimit(daemon.pid());

            limitDescriptors(daemon.pid(), freeDescriptors(daemon.pid())[0], hardLimit);
            daemon.signal(Signals.SIGHUP);
            daemon.awaitLog("reload of gen=2 failed: cannot start worker: cannot create notify socket .*"
                    + "Too many open files.*; gen=1 pid=" + serving + " keeps serving");

            limitDescriptors(daemon.pid(), freeDescriptors(daemon.pid())[1], hardLimit);
            Client.Result refused = client.run("reload", "--runtime-dir", runtimeDir.toString());
            assertEquals(1, refused.exitCode(), refused + daemon.log());
            assertTrue(Pattern.matches("endlessd: reload gen=3 failed: cannot start worker: cannot create notify socket"
                    + " .*Too many open files.*; gen=1 pid=" + serving + " keeps serving\n", refused.err()), refused.err());
            assertEquals(serving, Http.get(port, "/").workerPid(), "the old worker answers");
            FailedReloads.awaitFootprintBackTo(daemon, before);

            limitDescriptors(daemon.pid(), hardLimit, hardLimit);
            Client.Result reloaded = client.run("reload", "--runtime-dir", runtimeDir.toString());
            assertEquals(0, reloaded.exitCode(), reloaded + daemon.log());
            int fourth = daemon.awaitServing(4);

            Posix.kill(fourth, Signals.SIGKILL);
            daemon.awaitLog("gen=4 pid=" + fourth + " exited unexpectedly");
            int restarted = daemon.awaitServing(5);
            assertEquals(restarted, Http.get(port, "/").workerPid(), "a crash is restarted after the failures");
        }
    }

    /** The descriptor numbers the daemon does not use, lowest first: the next ones open(2) and socket(2) return. */
    private static int[] freeDescriptors(long pid) throws IOException {
        Set<Integer> used;
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            used = fds.map(fd -> Integer.parseInt(fd.getFileName().toString())).collect(Collectors.toSet());
        }
        return Stream.iterate(0, fd -> fd + 1).filter(fd -> !used.contains(fd)).limit(2).mapToInt(Integer::intValue)
                .toArray();
    }

    private static String hardLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("Max open files")) {
                return line.substring("Max open files".length()).trim().split("\\s+")[1];
            }
        }
        throw new IOException("no open files limit in /proc/" + pid + "/limits");
    }

    /** Sets the soft limit of open files of {@code pid}: a descriptor number from {@code soft} up cannot be opened. */
    private static void limitDescriptors(long pid, Object soft, String hard) throws IOException, InterruptedException {
        Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + soft + ":" + hard)
                .redirectErrorStream(true).start();
        String output = new String(prlimit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, prlimit.waitFor(), "prlimit: " + output);
    }
}
