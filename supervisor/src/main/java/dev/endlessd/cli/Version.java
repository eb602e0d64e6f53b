package dev.endlessd.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The build's version, stamped into {@code version.properties} by Maven resource filtering. */
public final class Version implements CommandLine.IVersionProvider {
    public static final String VALUE = load();

    @Override
    public String[] getVersion() {
        return new String[] {"endlessd " + VALUE};
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/endlessd/version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
