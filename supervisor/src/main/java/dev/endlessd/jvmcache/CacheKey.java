package dev.endlessd.jvmcache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What an archive was made for, as 16 hex digits in its file name: the JVM build, the command with
 * its options, the JVM options in the environment, and the size and time of every file the command
 * names (the app jar, {@code -cp} entries). A JVM refuses an archive made by another build or for
 * another class path, and JDK 17 does so with one warning only: the key finds that out before the
 * spawn, so a generation whose jar changed writes a fresh archive instead of starting cold from a stale
 * one and leaving it in place.
 */
final class CacheKey {
    /** Environment variables the JVM reads its options or class path from. */
    private static final List<String> JVM_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS",
            "CLASSPATH");
    private static final int MAX_FILES = 256;

    private CacheKey() {
    }

    /**
     * @param environment the worker's environment before the cache adds its options
     */
    static String of(Flavor flavor, JavaRuntime runtime, String command, Map<String, String> environment,
                     Path workingDirectory) {
        StringBuilder input = new StringBuilder()
                .append(flavor).append('\n')
                .append(runtime.identity()).append('\n')
                .append(command).append('\n');
        for (String variable : JVM_VARIABLES) {
            input.append(variable).append('=').append(environment.getOrDefault(variable, "")).append('\n');
        }
        int files = 0;
        for (String word : command.strip().split("\\s+")) {
            for (String part : word.split("[:=,]")) {
                if (files < MAX_FILES && appendFile(input, part, workingDirectory)) {
                    files++;
                }
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(input.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static boolean appendFile(StringBuilder input, String name, Path workingDirectory) {
        if (name.isEmpty()) {
            return false;
        }
        try {
            Path file = workingDirectory.resolve(name);
            if (!Files.isRegularFile(file)) {
                return false;
            }
            input.append(file).append(' ').append(Files.size(file)).append(' ')
                    .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
            return true;
        } catch (InvalidPathException | IOException e) {
            return false;
        }
    }
}
