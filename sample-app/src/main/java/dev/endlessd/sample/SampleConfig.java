package dev.endlessd.sample;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The configuration a reload picks up: read once at start, so a new worker sees an edited file and an
 * old one keeps what it started with.
 *
 * @param greeting the text {@code GET /} shows
 * @param source   the file it came from; empty for the built-in default
 */
record SampleConfig(String greeting, Optional<Path> source) {

    static final String DEFAULT_GREETING = "Hello from endlessd";
    static final String ENV_VARIABLE = "SAMPLE_CONFIG";

    /** {@code --config} wins over {@code SAMPLE_CONFIG}; with neither, the built-in greeting. */
    static Optional<Path> locate(Optional<Path> flag, Map<String, String> env) {
        if (flag.isPresent()) {
            return flag;
        }
        String fromEnv = env.get(ENV_VARIABLE);
        return fromEnv == null || fromEnv.isEmpty() ? Optional.empty() : Optional.of(Path.of(fromEnv));
    }

    static SampleConfig builtIn() {
        return new SampleConfig(DEFAULT_GREETING, Optional.empty());
    }

    /**
     * Reads {@code greeting} from a UTF-8 properties file.
     *
     * @throws IOException with a message that names the file and the fix, when the file is missing,
     *                     unreadable, not UTF-8, or has no non-empty {@code greeting}
     */
    static SampleConfig load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IOException("config " + file.toAbsolutePath() + " does not exist (check --config or "
                    + ENV_VARIABLE + ")", e);
        } catch (CharacterCodingException e) {
            throw new IOException("config " + file + " is not valid UTF-8", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("config " + file + " cannot be read: " + e, e);
        }
        String greeting = properties.getProperty("greeting");
        if (greeting == null || greeting.isBlank()) {
            throw new IOException("greeting: " + (greeting == null ? "missing" : "empty") + " in " + file
                    + " (expected: a line greeting=<text>)");
        }
        return new SampleConfig(greeting.strip(), Optional.of(file));
    }
}
