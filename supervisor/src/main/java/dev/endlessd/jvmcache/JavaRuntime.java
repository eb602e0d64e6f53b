package dev.endlessd.jvmcache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM a worker command runs, found without running it: the {@code java} the command's first word
 * resolves to (on the worker's PATH, symlinks followed to the real JDK), and that JDK's {@code release}
 * file. Reading two small files costs the worker's start nothing, whereas {@code java -version} would
 * start a JVM; and it is read at each spawn, so a JDK upgraded between generations is seen.
 *
 * @param home     the JDK or JRE directory ({@code bin/java}'s grandparent)
 * @param feature  the feature release, e.g. 17 or 25
 * @param identity what tells one build from another: the version string and the size and time of libjvm.so,
 *                 which a package update changes
 */
record JavaRuntime(Path home, int feature, String version, String identity) {
    private static final Set<String> PREFIXES = Set.of("exec", "env", "command");
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");
    /** The java launcher's options whose value is the next word. */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p",
            "--module-path", "--upgrade-module-path", "--add-modules", "--limit-modules", "--add-reads",
            "--add-exports", "--add-opens", "--patch-module", "--enable-native-access", "-m", "--module");
    private static final Pattern RELEASE_LINE = Pattern.compile("([A-Z_]+)=\"?([^\"]*)\"?");
    private static final Pattern FEATURE = Pattern.compile("(?:1\\.)?(\\d+).*");

    /**
     * The JVM {@code command} starts, when its first word is a {@code java} launcher of a HotSpot JDK;
     * empty, with the reason, otherwise (a script, another program, an OpenJ9 JVM).
     */
    static Result find(String command, Map<String, String> environment, Path workingDirectory) {
        Optional<String> program = program(command);
        if (program.isEmpty()) {
            return Result.none("its first word is not a plain program name");
        }
        Optional<Path> launcher = resolve(program.get(), environment.getOrDefault("PATH", ""), workingDirectory);
        if (launcher.isEmpty()) {
            return Result.none(program.get() + " is not found on the worker's PATH");
        }
        Path real;
        try {
            real = launcher.get().toRealPath();
        } catch (IOException e) {
            return Result.none(launcher.get() + " cannot be resolved");
        }
        if (!real.getFileName().toString().equals("java") || real.getParent() == null
                || real.getParent().getParent() == null) {
            return Result.none(program.get() + " is not a java launcher (" + real + ")");
        }
        if (runsSourceFile(command)) {
            // seen: JDK 25 crashed (SIGSEGV in AOTLinkedClassBulkLoader) starting the JDK's HttpServer from such an
            // AOT cache with the agent active; and classes compiled in memory are in no archive anyway
            return Result.none("it runs a source file (java Main.java), whose classes no archive can hold");
        }
        return at(real.getParent().getParent());
    }

    /** {@code java [options] Main.java ...}: the launcher's source-file mode (JEP 330). */
    static boolean runsSourceFile(String command) {
        List<String> words = List.of(command.strip().split("\\s+"));
        boolean afterProgram = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (!afterProgram) {
                afterProgram = !PREFIXES.contains(word) && !ASSIGNMENT.matcher(word).matches();
                continue;
            }
            if (word.equals("--source") || word.startsWith("--source=")) {
                return true;
            }
            if (OPTIONS_WITH_VALUE.contains(word)) {
                i++;
            } else if (!word.startsWith("-")) {
                return word.endsWith(".java");
            }
        }
        return false;
    }

    /** The runtime installed at {@code home}, from its {@code release} file. */
    static Result at(Path home) {
        Map<String, String> release = new HashMap<>();
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                Matcher matcher = RELEASE_LINE.matcher(line.strip());
                if (matcher.matches()) {
                    release.put(matcher.group(1), matcher.group(2));
                }
            }
        } catch (IOException e) {
            return Result.none(home + "/release cannot be read, so the JVM's version is unknown");
        }
        String variant = release.getOrDefault("JVM_VARIANT", "Hotspot");
        if (!variant.equalsIgnoreCase("hotspot")) {
            return Result.none("the JVM in " + home + " is " + variant + ", not HotSpot");
        }
        Matcher feature = FEATURE.matcher(release.getOrDefault("JAVA_VERSION", ""));
        Path libjvm = home.resolve("lib/server/libjvm.so");
        if (!feature.matches() || !Files.isRegularFile(libjvm)) {
            return Result.none("no HotSpot server VM with a known version in " + home);
        }
        String version = release.getOrDefault("JAVA_RUNTIME_VERSION", release.get("JAVA_VERSION"));
        String identity;
        try {
            identity = String.join("|", home.toString(), version, Long.toString(Files.size(libjvm)),
                    Files.getLastModifiedTime(libjvm).toString());
        } catch (IOException e) {
            return Result.none(libjvm + " cannot be read");
        }
        return new Result(Optional.of(new JavaRuntime(home, Integer.parseInt(feature.group(1)), version, identity)), "");
    }

    /** The command's program: its first word after {@code exec}, {@code env} and variable assignments. */
    static Optional<String> program(String command) {
        List<String> words = List.of(command.strip().split("\\s+"));
        for (String word : words) {
            if (PREFIXES.contains(word) || ASSIGNMENT.matcher(word).matches()) {
                continue;
            }
            // quotes, expansions or a compound command: what the shell runs is not ours to guess
            return word.matches("[A-Za-z0-9_./+@%-]+") ? Optional.of(word) : Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Path> resolve(String program, String path, Path workingDirectory) {
        if (program.contains("/")) {
            Path candidate = workingDirectory.resolve(program);
            return Files.isExecutable(candidate) ? Optional.of(candidate) : Optional.empty();
        }
        for (String directory : path.split(":")) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = workingDirectory.resolve(directory).resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A runtime, or why there is none. */
    record Result(Optional<JavaRuntime> runtime, String whyNone) {
        static Result none(String why) {
            return new Result(Optional.empty(), why);
        }
    }
}
