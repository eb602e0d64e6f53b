package dev.endlessd.upgrade;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The handoff's wire format: UTF-8 text, one entry a line, fields separated by one space, each
 * field percent-escaped (every byte outside {@code !}..{@code ~}, and {@code %} and {@code ~}
 * themselves; {@code ~} alone is the empty string). The first line names the format's version, the
 * last is {@code end}, so a truncated state is told from a complete one.
 *
 * <pre>
 * endlessd-handoff 1
 * written-by 0.2.0
 * pid 4242
 * ...
 * end
 * </pre>
 *
 * <p>Strict on purpose: an unknown entry, a missing one, a second one, or another version is
 * refused with the line that made it so. A change of the format takes a new {@link Handoff#VERSION},
 * and the frozen fixture of each version that this code reads stays under test. Stateless.
 */
public final class HandoffCodec {
    static final String MAGIC = "endlessd-handoff";
    /** A state is a few hundred bytes a worker; this bounds what a reader takes in. */
    public static final int MAX_BYTES = 1 << 20;

    private HandoffCodec() {
    }

    public static byte[] encode(Handoff state) {
        Lines out = new Lines();
        out.add(MAGIC, Integer.toString(Handoff.VERSION));
        out.add("written-by", state.writtenBy());
        out.add("pid", Integer.toString(state.pid()));
        out.add("started-at", state.startedAt().toString());
        out.add("upgraded-at", state.upgradedAt().toString());
        out.add("upgrades", Integer.toString(state.upgrades()));
        state.arguments().forEach(argument -> out.add("argument", argument));
        state.ignoredSignals().forEach(signal -> out.add("ignored-signal", signal));
        out.add("lock-fd", Integer.toString(state.lockFd()));
        out.add("control-fd", Integer.toString(state.controlFd()));
        state.listeners().forEach(l -> out.add("listener", Integer.toString(l.fd()), l.name(), l.description()));
        state.guard().ifPresent(g -> out.add("guard", Integer.toString(g.pid()), Integer.toString(g.fd())));
        Handoff.Supervision supervision = state.supervision();
        out.add("generation", Long.toString(supervision.lastGeneration()));
        for (Handoff.CarriedWorker w : supervision.workers()) {
            out.add("worker", Long.toString(w.generation()), Integer.toString(w.pid()),
                    w.state().name().toLowerCase(Locale.ROOT), Long.toString(w.startedNanos()),
                    Long.toString(w.readyNanos()), Long.toString(w.drainingSinceNanos()),
                    Integer.toString(w.notifyFd()), w.notifyPath(), w.status());
        }
        supervision.leftoverGroups().forEach(g -> out.add("leftover", Integer.toString(g.pgid()),
                Long.toString(g.killAtNanos())));
        supervision.lastReload().ifPresent(r -> out.add("last-reload", r.kind(), r.succeeded() ? "ok" : "failed",
                Long.toString(r.generation()), Integer.toString(r.pid()), Long.toString(r.timeToReadyMillis()),
                r.reason(), Long.toString(r.tookMillis()), r.finishedAt().toString()));
        out.add("queued-reloads", Integer.toString(supervision.queuedReloads()));
        state.upgradeWaiterFds().forEach(fd -> out.add("waiter", "upgrade", Integer.toString(fd)));
        state.reloadWaiterFds().forEach(fd -> out.add("waiter", "reload", Integer.toString(fd)));
        out.add("end");
        return out.bytes();
    }

    /**
     * @throws HandoffException naming the line and what was expected: another version, an unknown
     *                          or missing entry, a truncated or malformed state
     */
    public static Handoff decode(byte[] bytes) throws HandoffException {
        if (bytes.length > MAX_BYTES) {
            throw new HandoffException("handoff state of " + bytes.length + " bytes (expected: at most " + MAX_BYTES + ")");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        Reader in = new Reader(lines);
        List<String> header = in.header();
        if (header.size() != 2 || !header.get(0).equals(MAGIC)) {
            throw new HandoffException("not an endlessd handoff state (first line: \""
                    + printable(lines[0]) + "\", expected: \"" + MAGIC + " " + Handoff.VERSION + "\")");
        }
        if (!header.get(1).equals(Integer.toString(Handoff.VERSION))) {
            throw new HandoffException("handoff state version " + printable(header.get(1)) + " (this endlessd reads"
                    + " version " + Handoff.VERSION + " only: it is older than the endlessd that wrote it; install a"
                    + " release that reads it, or restart endlessd instead of upgrading)");
        }
        return in.state();
    }

    /** Builds the lines, one {@code key field...} each. */
    private static final class Lines {
        private final StringBuilder text = new StringBuilder();

        void add(String key, String... fields) {
            text.append(key);
            for (String field : fields) {
                text.append(' ').append(escape(field));
            }
            text.append('\n');
        }

        byte[] bytes() {
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Reads the entries after the header, in the order {@link #encode} writes them. */
    private static final class Reader {
        private final String[] lines;
        private int index;

        Reader(String[] lines) {
            this.lines = lines;
        }

        Handoff state() throws HandoffException {
            String writtenBy = one("written-by");
            int pid = integer(one("pid"));
            Instant startedAt = instant(one("started-at"));
            Instant upgradedAt = instant(one("upgraded-at"));
            int upgrades = integer(one("upgrades"));
            List<String> arguments = new ArrayList<>();
            while (peekKey().equals("argument")) {
                arguments.add(entry("argument", 1).get(0));
            }
            List<String> ignored = new ArrayList<>();
            while (peekKey().equals("ignored-signal")) {
                ignored.add(entry("ignored-signal", 1).get(0));
            }
            int lockFd = fd(one("lock-fd"));
            int controlFd = fd(one("control-fd"));
            List<Handoff.CarriedListener> listeners = new ArrayList<>();
            while (peekKey().equals("listener")) {
                List<String> f = entry("listener", 3);
                listeners.add(new Handoff.CarriedListener(fd(f.get(0)), f.get(1), f.get(2)));
            }
            Optional<Handoff.CarriedGuard> guard = Optional.empty();
            if (peekKey().equals("guard")) {
                List<String> f = entry("guard", 2);
                guard = Optional.of(new Handoff.CarriedGuard(integer(f.get(0)), fd(f.get(1))));
            }
            long generation = number(one("generation"));
            List<Handoff.CarriedWorker> workers = new ArrayList<>();
            while (peekKey().equals("worker")) {
                workers.add(worker(entry("worker", 9)));
            }
            List<Handoff.LeftoverGroup> leftovers = new ArrayList<>();
            while (peekKey().equals("leftover")) {
                List<String> f = entry("leftover", 2);
                leftovers.add(new Handoff.LeftoverGroup(integer(f.get(0)), number(f.get(1))));
            }
            Optional<Handoff.CarriedReload> lastReload = Optional.empty();
            if (peekKey().equals("last-reload")) {
                lastReload = Optional.of(reload(entry("last-reload", 8)));
            }
            int queued = integer(one("queued-reloads"));
            List<Integer> upgradeWaiters = new ArrayList<>();
            List<Integer> reloadWaiters = new ArrayList<>();
            while (peekKey().equals("waiter")) {
                List<String> f = entry("waiter", 2);
                switch (f.get(0)) {
                    case "upgrade" -> upgradeWaiters.add(fd(f.get(1)));
                    case "reload" -> reloadWaiters.add(fd(f.get(1)));
                    default -> throw malformed("waiter of \"" + printable(f.get(0)) + "\" (expected: upgrade or reload)");
                }
            }
            entry("end", 0);
            if (index + 2 != lines.length || !lines[index + 1].isEmpty()) {
                throw malformed("text after \"end\"");
            }
            return new Handoff(pid, writtenBy, startedAt, upgradedAt, upgrades, arguments, lockFd, controlFd, listeners,
                    guard, new Handoff.Supervision(generation, workers, leftovers, lastReload, queued), upgradeWaiters,
                    reloadWaiters, ignored);
        }

        private Handoff.CarriedWorker worker(List<String> f) throws HandoffException {
            Handoff.CarriedState state = switch (f.get(2)) {
                case "ready" -> Handoff.CarriedState.READY;
                case "draining" -> Handoff.CarriedState.DRAINING;
                default -> throw malformed("worker state \"" + printable(f.get(2)) + "\" (expected: ready or draining)");
            };
            int notifyFd = integer(f.get(6));
            if (notifyFd < -1) {
                throw malformed("notify fd " + notifyFd + " (expected: -1 or a descriptor)");
            }
            return new Handoff.CarriedWorker(number(f.get(0)), positive(f.get(1)), state, number(f.get(3)),
                    number(f.get(4)), number(f.get(5)), f.get(8), notifyFd, f.get(7));
        }

        private Handoff.CarriedReload reload(List<String> f) throws HandoffException {
            boolean succeeded = switch (f.get(1)) {
                case "ok" -> true;
                case "failed" -> false;
                default -> throw malformed("outcome \"" + printable(f.get(1)) + "\" (expected: ok or failed)");
            };
            return new Handoff.CarriedReload(f.get(0), succeeded, number(f.get(2)), integer(f.get(3)), number(f.get(4)),
                    f.get(5), number(f.get(6)), instant(f.get(7)));
        }

        private String peekKey() throws HandoffException {
            if (index + 1 >= lines.length || (index + 2 == lines.length && lines[index + 1].isEmpty())) {
                throw new HandoffException("handoff state ends at line " + (index + 1) + " without \"end\" (truncated)");
            }
            int space = lines[index + 1].indexOf(' ');
            return space < 0 ? lines[index + 1] : lines[index + 1].substring(0, space);
        }

        /** The first line, split on spaces and not unescaped: it is plain ASCII when it is a header at all. */
        List<String> header() throws HandoffException {
            if (lines[0].isEmpty()) {
                throw new HandoffException("handoff state is empty");
            }
            return List.of(lines[0].split(" ", -1));
        }

        private String one(String key) throws HandoffException {
            return entry(key, 1).get(0);
        }

        private List<String> entry(String key, int count) throws HandoffException {
            String actual = peekKey();
            index++;
            if (!actual.equals(key)) {
                throw malformed("\"" + printable(actual) + "\" (expected: \"" + key + "\")");
            }
            List<String> fields = fields(lines[index]);
            if (fields.size() != count + 1) {
                throw malformed(key + " with " + (fields.size() - 1) + " field(s) (expected: " + count + ")");
            }
            return fields.subList(1, fields.size());
        }

        private List<String> fields(String line) throws HandoffException {
            List<String> out = new ArrayList<>();
            for (String raw : line.split(" ", -1)) {
                out.add(unescape(raw));
            }
            return out;
        }

        private int fd(String text) throws HandoffException {
            int fd = integer(text);
            if (fd < 3) {
                throw malformed("descriptor " + fd + " (expected: 3 or above; 0 to 2 are stdin, stdout and stderr)");
            }
            return fd;
        }

        private int positive(String text) throws HandoffException {
            int value = integer(text);
            if (value < 1) {
                throw malformed("pid " + value + " (expected: > 0)");
            }
            return value;
        }

        private int integer(String text) throws HandoffException {
            long value = number(text);
            if (value != (int) value) {
                throw malformed(text + " (expected: a 32-bit number)");
            }
            return (int) value;
        }

        private long number(String text) throws HandoffException {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw malformed("\"" + printable(text) + "\" (expected: a number)");
            }
        }

        private Instant instant(String text) throws HandoffException {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw malformed("\"" + printable(text) + "\" (expected: an ISO-8601 instant)");
            }
        }

        private String unescape(String field) throws HandoffException {
            if (field.equals("~")) {
                return "";
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c == '%' && i + 2 < field.length() && isHex(field.charAt(i + 1)) && isHex(field.charAt(i + 2))) {
                    out.write(Integer.parseInt(field.substring(i + 1, i + 3), 16));
                    i += 2;
                } else if (c > ' ' && c < 0x7f && c != '%' && c != '~') {
                    out.write(c);
                } else {
                    throw malformed("field \"" + printable(field) + "\" (expected: percent-escaped text)");
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }

        private HandoffException malformed(String what) {
            return new HandoffException("handoff state, line " + (index + 1) + ": " + what);
        }
    }

    static String escape(String field) {
        if (field.isEmpty()) {
            return "~";
        }
        StringBuilder out = new StringBuilder();
        for (byte b : field.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > ' ' && c < 0x7f && c != '%' && c != '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
    }

    /** At most 40 characters, anything unprintable as '?': a state may come from anywhere. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 40; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > 40 ? out + "..." : out.toString();
    }
}
