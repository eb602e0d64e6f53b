package dev.endlessd.bench.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The programs a run uses, copied to a private directory by {@code bench/run} so that a rebuild elsewhere in
 * the tree cannot replace a jar under a running JVM, and the settings every service shares.
 *
 * @param java         the JVM for the sample app and for endlessd (JAVA_HOME of the launcher)
 * @param endlessd     the endlessd launcher, with endlessd.jar beside it
 * @param app          which app {@code appJar} is
 * @param jvmArgs      JVM options for the app, before {@code -jar}, the same in every scenario
 * @param appJar       the app's jar
 * @param appArgs      extra arguments for the app, the same in every scenario
 * @param python       python3, for the restarter
 * @param restarter    bench/restarter.py
 * @param readyTimeout how long a worker may take to get ready (endlessd's --ready-timeout too)
 * @param drainTimeout how long an old worker may drain (endlessd's --drain-timeout too)
 * @param logs         where each service's output is copied
 * @param runtimeDir   endlessd's --runtime-dir base
 */
public record Stage(Path java, Path endlessd, App app, List<String> jvmArgs, Path appJar, List<String> appArgs, Path python, Path restarter,
                    Duration readyTimeout, Duration drainTimeout, Path logs, Path runtimeDir) {
    private static final Pattern SHELL_PLAIN = Pattern.compile("[A-Za-z0-9_./:=,+@%-]+");

    /** The app's command line, as a list. */
    List<String> appCommand(List<String> extra) {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", appJar.toString()));
        command.addAll(appArgs);
        command.addAll(extra);
        return command;
    }

    /**
     * The app's command line for a worker under endlessd, which holds {@code port}, for {@code /bin/sh}: a word
     * that the shell would change is single-quoted, the others are left plain, because endlessd's java cache
     * recognises a JVM only by a plain program name as the first word.
     */
    String workerShellCommand(int port) {
        StringBuilder line = new StringBuilder();
        for (String word : appCommand(app.workerArgs(port))) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(SHELL_PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }
}
