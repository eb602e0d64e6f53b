package dev.endlessd.cli;

import dev.endlessd.daemon.Durations;
import dev.endlessd.socket.ListenSpec;
import java.time.Duration;
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
