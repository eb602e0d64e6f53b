package dev.endlessd.agent.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers without Spring: embedded Jetty 12, Vert.x 5 on NIO and on Netty's native epoll, and the
 * JDK's own HttpServer run from a single source file, on JDK 17 and on the newest JDK here.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class PlainServersIT {
    private static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64";

    @Test
    void embeddedJettyReloadsWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Path jar = ReloadScenario.app("jetty", "jetty.jar");
        ReloadScenario.run(dir, "jetty", port -> ReloadScenario.java() + " -jar " + jar + " " + port);
    }

    @Test
    void vertxOnNioReloadsWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Path jar = ReloadScenario.app("vertx", "vertx.jar");
        ReloadScenario.run(dir, "vertx-nio", port -> ReloadScenario.java() + " -jar " + jar + " " + port);
    }

    @Test
    void vertxOnNativeEpollReloadsWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Path jar = ReloadScenario.app("vertx", "vertx.jar");
        ReloadScenario.run(dir, "vertx-epoll", port -> ReloadScenario.java() + " -jar " + jar + " " + port + " --native");
    }

    @Test
    void jdkHttpServerFromSourceReloadsWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        ReloadScenario.run(dir, "jdk-httpserver", port -> ReloadScenario.java() + " " + server() + " " + port);
    }

    @Test
    void jdkHttpServerOnJdk25ReloadsWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(JDK25, "bin", "java")), "no JDK 25 at " + JDK25);
        ReloadScenario.run(dir, "jdk-httpserver-25", port -> ReloadScenario.java(JDK25 + "/bin/java") + " " + server() + " " + port);
    }

    private static Path server() {
        return Path.of("src/test/resources/Server.java").toAbsolutePath();
    }
}
