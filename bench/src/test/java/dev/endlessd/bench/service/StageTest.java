package dev.endlessd.bench.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageTest {

    private static Stage stage(App app, List<String> jvmArgs, List<String> appArgs) {
        return new Stage(Path.of("/opt/jdk/bin/java"), Path.of("/x/endlessd"), app, jvmArgs, Path.of("/x/app.jar"),
                appArgs, Path.of("python3"), Path.of("/x/restarter.py"), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Path.of("/x/logs"), Path.of("/x/run"));
    }

    @Test
    void aWorkersCommandStartsWithThePlainJavaPathSoEndlessdsJavaCacheRecognisesIt() {
        assertEquals("/opt/jdk/bin/java -XX:+UseSerialGC -jar /x/app.jar --config 'my dir/app.properties'",
                stage(App.SAMPLE, List.of("-XX:+UseSerialGC"), List.of("--config", "my dir/app.properties"))
                        .workerShellCommand(8080));
    }

    @Test
    void theShellSeesEveryOtherWordLiterally() {
        assertEquals("/opt/jdk/bin/java -jar /x/app.jar '$HOME' 'it'\\''s' '*'",
                stage(App.SAMPLE, List.of(), List.of("$HOME", "it's", "*")).workerShellCommand(8080));
    }

    @Test
    void springIsToldThePortEndlessdHoldsSoTheAgentMatchesItsBind() {
        assertEquals("/opt/jdk/bin/java -jar /x/app.jar --server.port=8080",
                stage(App.SPRING, List.of(), List.of()).workerShellCommand(8080));
        assertEquals(List.of("/opt/jdk/bin/java", "-jar", "/x/app.jar", "--server.port=9090"),
                stage(App.SPRING, List.of(), List.of()).appCommand(App.SPRING.bindArgs(9090)));
    }
}
