package dev.endlessd.cli;

import dev.endlessd.time.Durations;
import dev.endlessd.socket.ListenSpec;
import java.time.Duration;
import dev.endlessd.priority.StartupCpu;
import picocli.CommandLine;

/** picocli converters that turn flag text into typed values, with errors that name the fix. */
final class Conversions {
    private Conversions() {
    }

    static final class DurationValue implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse("duration", value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "\"" + value + "\" (expected: " + Durations.EXPECTED + ")");
            }
        }
    }

    /** A switch written {@code on} or {@code off}, nothing else: a typo must not silently mean one of them. */
    enum Switch {
        ON, OFF
    }

    static final class SwitchValue implements CommandLine.ITypeConverter<Switch> {
        @Override
        public Switch convert(String value) {
            return switch (value) {
                case "on" -> Switch.ON;
                case "off" -> Switch.OFF;
                default -> throw new CommandLine.TypeConversionException("\"" + value + "\" (expected: on or off)");
            };
        }
    }

    static final class StartupCpuValue implements CommandLine.ITypeConverter<StartupCpu> {
        @Override
        public StartupCpu convert(String value) {
            try {
                return StartupCpu.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("\"" + value + "\" (expected: auto, cgroup, nice or off)");
            }
        }
    }

    static final class ListenValue implements CommandLine.ITypeConverter<ListenSpec> {
        @Override
        public ListenSpec convert(String value) {
            try {
                return ListenSpec.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
