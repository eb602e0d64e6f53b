package dev.endlessd.spawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The unprivileged user that workers run as ({@code --user}), resolved through the system's user database. */
public record RunAs(String name, int uid, int gid) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}");

    /**
     * Looks the user up with {@code id(1)}, which asks NSS (so LDAP and sssd users resolve too).
     *
     * @throws IllegalArgumentException naming the user and the expectation when there is no such user
     */
    public static RunAs lookUp(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user: \"" + name + "\" (expected: a user name)");
        }
        int uid = id("-u", name);
        return new RunAs(name, uid, id("-g", name));
    }

    private static int id(String flag, String name) {
        try {
            Process process = new ProcessBuilder("id", flag, name).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() != 0 || !output.matches("\\d+")) {
                throw new IllegalArgumentException("user: \"" + name + "\" (no such user; expected: an existing user)");
            }
            return Integer.parseInt(output);
        } catch (IOException e) {
            throw new IllegalArgumentException("user: \"" + name + "\" (cannot run id(1) to look it up: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("user: \"" + name + "\" (interrupted while looking it up)");
        }
    }
}
