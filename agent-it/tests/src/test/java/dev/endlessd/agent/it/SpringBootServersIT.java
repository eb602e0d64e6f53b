package dev.endlessd.agent.it;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Spring Boot on its other servers: Jetty 12 (Boot 4) and Undertow (Boot 3.5, the last with it). */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class SpringBootServersIT {
    @Test
    void springBootOnJettyReloadsWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Path jar = ReloadScenario.app("spring-boot-jetty", "spring-boot-jetty.jar");
        ReloadScenario.run(dir, "spring-boot-jetty", port -> ReloadScenario.java() + " -jar " + jar + " --server.port=" + port);
    }

    @Test
    void springBootOnUndertowReloadsWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Path jar = ReloadScenario.app("spring-boot-undertow", "spring-boot-undertow.jar");
        ReloadScenario.run(dir, "spring-boot-undertow", port -> ReloadScenario.java() + " -jar " + jar + " --server.port=" + port);
    }
}
