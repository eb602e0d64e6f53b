package dev.endlessd.cli;

/**
 * Settles the log format before logback starts (it reads these properties once, on the first
 * logger): under journald, whose lines carry their own timestamps, lines start at the level.
 */
final class LoggingSetup {
    private LoggingSetup() {
    }

    static void configure(String serviceName) {
        System.setProperty("endlessd.service", serviceName);
        if (System.getenv("JOURNAL_STREAM") != null) {
            System.setProperty("endlessd.log.time", "");
        }
    }
}
