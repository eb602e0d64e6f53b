/** The picocli commands: parse and check the command line, then run the daemon or talk to a running one. */
package dev.endlessd.cli;
