package dev.endlessd.cli;

/**
 * Settles the log line format before logback starts (it configures itself on the first logger,
 * through {@link LogConfigurator}).
 */
final class LoggingSetup {
    private static final String SERVICE = "endlessd.service";

    private LoggingSetup() {
    }

    /** Names the service in every log line from now on; call before the first logger is created. */
    static void configure(String serviceName) {
        System.setProperty(SERVICE, serviceName);
    }

    /** Under journald, whose lines carry their own timestamps, lines start at the level. */
    static String pattern() {
        String time = System.getenv("JOURNAL_STREAM") == null ? "%d{HH:mm:ss.SSS} " : "";
        return time + "%-5level endlessd[" + System.getProperty(SERVICE, "default") + "] %msg%n";
    }
}
