package dev.endlessd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** What the packages' man pages and changelog must cover, read off the packaged launcher itself. */
final class Manuals {
    private static final Pattern COMMAND_LINE = Pattern.compile("^ {2}([a-z][a-z-]*) {2,}\\S.*");

    private Manuals() {
    }

    /**
     * The names of the man pages there must be: {@code endlessd}, and {@code endlessd-COMMAND} for
     * each command its {@code --help} lists, so a new command without a page fails the test.
     */
    static List<String> commands(Path launcher) throws IOException, InterruptedException {
        Command.Result help = BuiltPackages.runLauncher(launcher, "--help");
        assertEquals(0, help.exitCode(), help::describe);
        List<String> pages = new ArrayList<>(List.of("endlessd"));
        boolean inCommands = false;
        for (String line : help.output().split("\n")) {
            if (line.startsWith("Commands")) {
                inCommands = true;
            } else if (inCommands && line.isBlank()) {
                break;
            } else if (inCommands) {
                Matcher command = COMMAND_LINE.matcher(line);
                if (command.matches()) {
                    pages.add("endlessd-" + command.group(1));
                }
            }
        }
        assertFalse(pages.size() == 1, "endlessd --help lists no commands:\n" + help.output());
        return pages;
    }

    static String gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
