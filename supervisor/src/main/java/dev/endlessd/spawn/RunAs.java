package dev.endlessd.spawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The unprivileged user that workers run as ({@code --user}), resolved through the system's user
 * database: its ids, and the home directory and login shell its workers get in {@code HOME} and
 * {@code SHELL}.
 */
public record RunAs(String name, int uid, int gid, String home, String shell) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}");
    private static final Pattern PASSWD_ENTRY = Pattern.compile("[^:]*:[^:]*:(\\d+):(\\d+):[^:]*:([^:]*):([^:\\n]*)");

    /**
     * Looks the user up with {@code getent passwd}, which asks NSS (so LDAP and sssd users resolve too).
     *
     * @throws IllegalArgumentException naming the user and the expectation when there is no such user
     */
    public static RunAs lookUp(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user: \"" + name + "\" (expected: a user name)");
        }
        return parse(name, getent(name));
    }

    /** From one line of {@code getent passwd}: {@code name:x:uid:gid:gecos:home:shell}. */
    static RunAs parse(String name, String entry) {
        var fields = PASSWD_ENTRY.matcher(entry.strip());
        if (!fields.matches()) {
            throw new IllegalArgumentException("user: \"" + name + "\" (no such user; expected: an existing user)");
        }
        return new RunAs(name, Integer.parseInt(fields.group(1)), Integer.parseInt(fields.group(2)), fields.group(3),
                fields.group(4));
    }

    private static String getent(String name) {
        try {
            Process process = new ProcessBuilder("getent", "passwd", name).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0 ? output : "";
        } catch (IOException e) {
            throw new IllegalArgumentException("user: \"" + name + "\" (cannot run getent(1) to look it up: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("user: \"" + name + "\" (interrupted while looking it up)");
        }
    }
}
