package dev.endlessd.cli;

/**
 * What log lines look like, settled before logback configures itself on the first logger
 * (through {@link LogConfigurator}).
 */
final class LoggingSetup {
    private static final String SERVICE = "endlessd.service";

    private LoggingSetup() {
    }

    /** Names the service in every log line from now on; call before the first logger is created. */
    static void configure(String serviceName) {
        System.setProperty(SERVICE, serviceName);
    }

    static String serviceName() {
        return System.getProperty(SERVICE, "default");
    }

    /** journald stamps each line itself. */
    static boolean underJournald() {
        return System.getenv("JOURNAL_STREAM") != null;
    }
}
