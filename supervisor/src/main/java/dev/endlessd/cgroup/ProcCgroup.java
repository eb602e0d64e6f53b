package dev.endlessd.cgroup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The cgroups a process is in, as {@code /proc/PID/cgroup} lists them: one line per hierarchy,
 * {@code ID:CONTROLLERS:PATH}, where the cgroup2 hierarchy has ID 0 and no controllers.
 *
 * @param lines each hierarchy's line, in the file's order
 */
public record ProcCgroup(List<Line> lines) {

    /** @param controllers the controllers bound to a v1 hierarchy ({@code name=systemd} included); empty for cgroup2 */
    public record Line(int id, List<String> controllers, String path) {
        public Line {
            controllers = List.copyOf(controllers);
        }
    }

    public ProcCgroup {
        lines = List.copyOf(lines);
    }

    /** Lines that do not have the {@code ID:CONTROLLERS:PATH} shape are skipped: a newer kernel may add others. */
    public static ProcCgroup parse(String text) {
        List<Line> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] fields = line.split(":", 3);
            if (fields.length != 3 || !fields[2].startsWith("/")) {
                continue;
            }
            try {
                List<String> controllers = fields[1].isEmpty() ? List.of() : Arrays.asList(fields[1].split(","));
                lines.add(new Line(Integer.parseInt(fields[0]), controllers, fields[2]));
            } catch (NumberFormatException notALine) {
                // skipped, as above
            }
        }
        return new ProcCgroup(lines);
    }

    /** The path in the v1 hierarchy the {@code cpu} controller is bound to. */
    public Optional<String> v1(String controller) {
        return lines.stream().filter(line -> line.id() != 0 && line.controllers().contains(controller))
                .map(Line::path).findFirst();
    }

    /** The path in the cgroup2 hierarchy. */
    public Optional<String> unified() {
        return lines.stream().filter(line -> line.id() == 0 && line.controllers().isEmpty())
                .map(Line::path).findFirst();
    }
}
