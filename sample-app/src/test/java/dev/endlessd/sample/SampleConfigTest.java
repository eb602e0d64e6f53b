package dev.endlessd.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleConfigTest {

    @TempDir
    Path dir;

    @Test
    void greetingIsReadAsUtf8() throws IOException {
        Path file = Files.writeString(dir.resolve("app.properties"), "# comment\ngreeting = Grüß dich  \n",
                StandardCharsets.UTF_8);

        assertEquals(new SampleConfig("Grüß dich", Optional.of(file)), SampleConfig.load(file));
    }

    @Test
    void theShippedDefaultFileLoads() throws IOException {
        assertEquals("Hello from endlessd", SampleConfig.load(Path.of("sample.properties")).greeting());
    }

    @Test
    void missingFileNamesThePathAndWhereItCameFrom() {
        Path missing = dir.resolve("gone.properties");

        IOException e = assertThrows(IOException.class, () -> SampleConfig.load(missing));

        assertEquals("config " + missing.toAbsolutePath() + " does not exist (check --config or SAMPLE_CONFIG)",
                e.getMessage());
    }

    @Test
    void fileWithoutGreetingIsRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("app.properties"), "greting=typo\n");

        IOException e = assertThrows(IOException.class, () -> SampleConfig.load(file));

        assertEquals("greeting: missing in " + file + " (expected: a line greeting=<text>)", e.getMessage());
    }

    @Test
    void blankGreetingIsRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("app.properties"), "greeting=   \n");

        assertTrue(assertThrows(IOException.class, () -> SampleConfig.load(file)).getMessage()
                .startsWith("greeting: empty"));
    }

    @Test
    void fileThatIsNotUtf8IsRejected() throws IOException {
        Path file = Files.write(dir.resolve("app.properties"), new byte[] {'g', '=', (byte) 0xff, '\n'});

        assertTrue(assertThrows(IOException.class, () -> SampleConfig.load(file)).getMessage()
                .endsWith("is not valid UTF-8"));
    }

    @Test
    void flagWinsOverEnvironmentWhichWinsOverTheBuiltInDefault() {
        Path flag = Path.of("flag.properties");
        Map<String, String> env = Map.of("SAMPLE_CONFIG", "env.properties");

        assertEquals(Optional.of(flag), SampleConfig.locate(Optional.of(flag), env));
        assertEquals(Optional.of(Path.of("env.properties")), SampleConfig.locate(Optional.empty(), env));
        assertEquals(Optional.empty(), SampleConfig.locate(Optional.empty(), Map.of("SAMPLE_CONFIG", "")));
        assertEquals(Optional.empty(), SampleConfig.locate(Optional.empty(), Map.of()));
    }
}
