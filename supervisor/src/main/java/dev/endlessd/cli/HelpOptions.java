package dev.endlessd.cli;

import picocli.CommandLine.Option;

/** {@code -h/--help} and {@code -V/--version}, listed last in every command's help. */
final class HelpOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, order = 90, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, order = 91, description = "Print the version and exit.")
    private boolean version;
}
