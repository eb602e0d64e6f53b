package dev.endlessd.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image the build made, run from its layers and its config with endlessd as pid 1 of a new pid
 * namespace, its sample app's config mounted the way Kubernetes mounts a ConfigMap: it serves,
 * answers its probe, reloads on a ConfigMap update and on {@code endlessd reload} under load without a
 * failed request, and stops with exit status 0 on SIGTERM.
 */
@Timeout(600)
class ImageIT {
    private static final String DEFAULT_LISTEN = "http=:8080";
    private static final String CONFIG_DIR = "etc/sample-app";

    @TempDir
    Path dir;

    @Test
    void theImageServesAsPid1AndReloadsUnderLoadWithoutAFailedRequest() throws Exception {
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "running an image needs root (namespaces, mounts, chroot): run mvn verify as root, as CI does");
        Path tarball = Path.of(System.getProperty("endlessd.image.tar", "target/endlessd-image.tar"));
        OciImage image = OciImage.open(tarball, dir.resolve("layout"));
        Path rootfs = image.unpack(dir.resolve("rootfs"));
        System.out.printf("image: %s, %.1f MiB compressed in %d layers, %.1f MiB unpacked%n", tarball,
                image.compressedSize() / 1048576.0, image.layers().size(), sizeOf(rootfs) / 1048576.0);
        ConfigMapMount config = ConfigMapMount.over(rootfs.resolve(CONFIG_DIR), "app.properties");

        int port = freePort();
        List<String> cmd = new ArrayList<>(image.config().cmd());
        assertTrue(cmd.contains(DEFAULT_LISTEN), "the default command listens on :8080: " + cmd);
        cmd.set(cmd.indexOf(DEFAULT_LISTEN), "http=127.0.0.1:" + port);

        long started = System.nanoTime();
        try (Container container = Container.start(rootfs, image.config(), cmd, dir.resolve("container.log"))) {
            container.awaitLog("gen=1 pid=\\d+ serves");
            long readyMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(container.log().contains(" pid=1 listening on http=127.0.0.1:" + port), container.log());
            assertTrue(CountedLoad.get(port).contains("greeting: Hello from endlessd"));
            System.out.printf("image: start to ready (gen=1 serves) %d ms%n", readyMillis);

            Container.Result probe = container.exec("/usr/bin/endlessd", "status", "--check");
            assertEquals(0, probe.exitCode(), probe.output());
            assertTrue(probe.output().startsWith("serving gen=1 pid="), probe.output());

            try (CountedLoad load = new CountedLoad(port, 4)) {
                container.await("requests answered", () -> load.ok() >= 50);
                config.publish("greeting=Hola from a ConfigMap update\n");
                container.awaitLog("reload requested \\(file change: /etc/sample-app: app.properties changed\\)");
                container.awaitLog("gen=2 pid=\\d+ serves");
                container.await("the new greeting", () -> load.lastBody().contains("greeting: Hola from a ConfigMap update"));

                Container.Result reload = container.exec("/usr/bin/endlessd", "reload");
                assertEquals(0, reload.exitCode(), reload.output());
                assertTrue(reload.output().startsWith("reloaded gen=3 pid="), reload.output());
                int before = load.ok();
                container.await("requests answered by gen=3", () -> load.ok() >= before + 50);
                load.close();
                assertEquals(List.of(), load.failures());
                System.out.printf("image: %d requests during 2 reloads (ConfigMap update, endlessd reload), %d failed%n",
                        load.ok(), load.failures().size());
            }

            assertEquals(0, container.stop(), "SIGTERM to pid 1: drain and exit 0; log:\n" + container.log());
            assertTrue(container.log().contains("stopped: no worker left (exit code 0)"), container.log());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long sizeOf(Path tree) throws IOException {
        try (var files = Files.walk(tree)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
