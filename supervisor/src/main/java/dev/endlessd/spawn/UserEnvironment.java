package dev.endlessd.spawn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code --user} worker gets in place of the variables that describe endlessd's own user
 * (root's, as a rule): {@code HOME}, {@code USER}, {@code LOGNAME} and {@code SHELL} from the user's
 * passwd entry, as systemd's {@code User=} sets them.
 *
 * <p>{@code PATH} stays endlessd's own, as under systemd, where a service gets the manager's
 * {@code PATH} or its unit's {@code Environment=PATH=}, not the user's login {@code PATH}: the
 * administrator chose it. Only the entries inside endlessd's own home directory are dropped: they
 * are that user's personal tools (pyenv and rbenv shims, {@code ~/.local/bin}, {@code ~/bin}) that
 * another user cannot read, or that run with their owner's configuration ({@code python3} resolved to
 * {@code /root/.pyenv/shims/python3} and failed with exit 126). If nothing is left, systemd's default.
 */
public final class UserEnvironment {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private UserEnvironment() {
    }

    /** {@code supervisorEnvironment} as {@code user}'s workers should see it. */
    public static Map<String, String> of(RunAs user, Map<String, String> supervisorEnvironment) {
        Map<String, String> environment = new HashMap<>(supervisorEnvironment);
        environment.put("HOME", user.home());
        environment.put("USER", user.name());
        environment.put("LOGNAME", user.name());
        environment.put("SHELL", user.shell());
        environment.put("PATH", path(supervisorEnvironment));
        return environment;
    }

    /** For the log: "HOME=/srv/app SHELL=/bin/sh, PATH without /root/bin (inside endlessd's own HOME)". */
    public static String describe(RunAs user, Map<String, String> supervisorEnvironment) {
        List<String> dropped = privatePathEntries(supervisorEnvironment);
        return "HOME=" + user.home() + " SHELL=" + user.shell() + (dropped.isEmpty() ? ""
                : ", PATH without " + String.join(", ", dropped) + " (inside endlessd's own HOME)");
    }

    /** The entries of endlessd's {@code PATH} that are inside its own home directory, which its workers lose. */
    static List<String> privatePathEntries(Map<String, String> supervisorEnvironment) {
        String home = supervisorEnvironment.getOrDefault("HOME", "");
        List<String> dropped = new ArrayList<>();
        if (home.isEmpty() || Path.of(home).normalize().getNameCount() == 0) {
            return dropped; // HOME=/ (some service accounts): nothing is private to it
        }
        Path homePath = Path.of(home).normalize();
        for (String entry : supervisorEnvironment.getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && Path.of(entry).normalize().startsWith(homePath) && !dropped.contains(entry)) {
                dropped.add(entry);
            }
        }
        return dropped;
    }

    private static String path(Map<String, String> supervisorEnvironment) {
        List<String> dropped = privatePathEntries(supervisorEnvironment);
        List<String> kept = new ArrayList<>();
        for (String entry : supervisorEnvironment.getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && !dropped.contains(entry)) {
                kept.add(entry);
            }
        }
        return kept.isEmpty() ? DEFAULT_PATH : String.join(":", kept);
    }
}
