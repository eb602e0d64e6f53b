/** The sample worker's entry point: command line, config, signals, and the start-serve-drain-exit sequence. */
package dev.endlessd.sample;
