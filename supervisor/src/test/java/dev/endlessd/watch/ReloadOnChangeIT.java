package dev.endlessd.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Http;
import dev.endlessd.it.HttpLoad;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --reload-on-change} on a directory updated the way the kubelet updates a mounted ConfigMap,
 * under HTTP load: each change is one reload, a touch none, a burst one, and a bad config is rolled
 * back without a failed request and without being retried.
 */
@Timeout(300)
class ReloadOnChangeIT {
    private static final String REQUESTED = "reload requested \\(file change: ";
    private static final String UNCHANGED = "the content is what it was: no reload";

    @TempDir
    Path dir;

    private ConfigMapVolume volume;

    private void publish(String version, String switches) throws IOException {
        volume.publish(Map.of("version", version + "\n", "switches", switches + "\n"));
    }

    private static String version(int port) throws IOException {
        return Http.get(port, "/").field("version");
    }

    @Test
    void aConfigMapUpdateReloadsOncePerChangeUnderLoadWithoutAFailedRequest() throws Exception {
        volume = new ConfigMapVolume(dir.resolve("config"));
        publish("v1", "");
        Path config = volume.root();
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker("--version-file", config + "/version",
                "--switches-file", config + "/switches"), "--listen", "127.0.0.1:0", "--reload-on-change", config.toString())) {
            int port = daemon.port();
            daemon.awaitServing(1);
            try (HttpLoad load = new HttpLoad(port, 4)) {
                load.awaitMoreRequests(20);

                for (int generation = 2; generation <= 4; generation++) {
                    publish("v" + generation, "");
                    daemon.awaitServing(generation);
                    assertEquals("v" + generation, version(port));
                    load.awaitMoreRequests(20);
                }
                assertEquals(3, daemon.logMatches(REQUESTED).size(), "one reload per change:\n" + daemon.log());
                assertTrue(daemon.log().contains(REQUESTED.replace("\\", "") + config + ": version changed)"),
                        "the change is named in the log:\n" + daemon.log());

                Files.setLastModifiedTime(config.resolve("..data/version"), FileTime.fromMillis(0));
                daemon.awaitLog(UNCHANGED);
                publish("v4", "");
                daemon.awaitLog(UNCHANGED, 1);
                assertEquals(3, daemon.logMatches(REQUESTED).size(), "a touch, or the same content again, is no change");

                for (int i = 1; i <= 20; i++) {
                    publish("burst-" + i, "");
                }
                daemon.awaitServing(5);
                assertEquals("burst-20", version(port));
                assertEquals(4, daemon.logMatches(REQUESTED).size(), "a burst of 20 changes is one reload:\n" + daemon.log());

                publish("broken", "--exit-at-start 3");
                daemon.awaitLog("reload on change: the reload for " + Pattern.quote(config.toString())
                        + ": .* failed; the next change to the files tries again");
                Client.Result status = new Client(dir).run("status", "--runtime-dir", dir.resolve("run").toString());
                assertTrue(status.out().contains("reload on change: " + config + "\nlast change: " + config
                        + ": switches, version changed ("), status.out());
                assertTrue(status.out().contains("reload failed: worker exited with exit status 3 before it was ready"),
                        status.out());
                load.awaitMoreRequests(20);
                assertEquals("burst-20", version(port), "the old worker keeps serving");

                publish("v6", "");
                daemon.awaitServing(7);
                assertEquals("v6", version(port));
                assertEquals(6, daemon.logMatches(REQUESTED).size(), "the failed reload was not retried:\n" + daemon.log());
                load.awaitMoreRequests(20);
                load.close();
                assertEquals(List.of(), load.failures());
                System.out.printf("reload on change: %d requests during 6 ConfigMap updates (one a burst of 20, one bad),"
                        + " %d failed%n", load.ok(), load.failures().size());
            }
        }
    }
}
