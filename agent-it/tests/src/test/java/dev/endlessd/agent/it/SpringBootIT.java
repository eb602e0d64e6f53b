package dev.endlessd.agent.it;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Spring Boot 3.5 and 4.0 on Tomcat, unmodified, reloaded under load. */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class SpringBootIT {
    @Test
    void springBoot3OnTomcatReloadsWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Path jar = ReloadScenario.app("spring-boot-3-tomcat", "spring-boot-3-tomcat.jar");
        ReloadScenario.run(dir, "spring-boot-3-tomcat", port -> ReloadScenario.java() + " -jar " + jar + " --server.port=" + port);
    }

    @Test
    void springBoot4OnTomcat11ReloadsWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Path jar = ReloadScenario.app("spring-boot-4-tomcat", "spring-boot-4-tomcat.jar");
        ReloadScenario.run(dir, "spring-boot-4-tomcat", port -> ReloadScenario.java() + " -jar " + jar + " --server.port=" + port);
    }
}
