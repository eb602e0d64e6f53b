package dev.endlessd.cli;

import java.util.regex.Pattern;

/** What {@code --name} may be: it keys the runtime directory. Free of picocli, for {@link ProbeFastPath}. */
final class InstanceName {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

    private InstanceName() {
    }

    static boolean valid(String name) {
        return VALID.matcher(name).matches();
    }
}
