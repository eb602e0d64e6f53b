package dev.endlessd.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.util.TimeZone;

/**
 * {@code 14:13:08.464 INFO  endlessd[shop] message}: one line per event, written by hand rather
 * than by logback's {@code PatternLayout}, whose pattern compiler and date formatting load about a
 * hundred classes into a daemon that must stay small. Without the time under journald.
 */
final class LogLayout extends LayoutBase<ILoggingEvent> {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final String prefix;
    private final boolean withTime;
    private final TimeZone zone = TimeZone.getDefault();

    LogLayout(String serviceName, boolean withTime) {
        this.prefix = "endlessd[" + serviceName + "] ";
        this.withTime = withTime;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        if (withTime) {
            appendTime(line, event.getTimeStamp());
        }
        String level = event.getLevel().toString();
        line.append(level).append(" ".repeat(Math.max(1, 6 - level.length()))).append(prefix)
                .append(event.getFormattedMessage()).append('\n');
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)).append('\n');
        }
        return line.toString();
    }

    private void appendTime(StringBuilder line, long epochMillis) {
        long local = Math.floorMod(epochMillis + zone.getOffset(epochMillis), MILLIS_PER_DAY);
        pad(line, local / 3_600_000, 2).append(':');
        pad(line, local / 60_000 % 60, 2).append(':');
        pad(line, local / 1000 % 60, 2).append('.');
        pad(line, local % 1000, 3).append(' ');
    }

    private static StringBuilder pad(StringBuilder line, long value, int width) {
        String digits = Long.toString(value);
        return line.append("0".repeat(width - digits.length())).append(digits);
    }
}
