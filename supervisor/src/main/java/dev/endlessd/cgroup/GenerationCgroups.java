package dev.endlessd.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One child cgroup per worker generation, {@code gen-N}, in the cgroup delegated to endlessd, each
 * with a CPU weight of its own. A worker joins its generation's cgroup itself before it runs the
 * command (see {@code ExecWrapper}), so everything it forks is in there too.
 *
 * <p>Confined to the supervisor's thread (it is called at the start only before that thread runs).
 */
public final class GenerationCgroups {
    private static final Pattern GENERATION = Pattern.compile("gen-([0-9]{1,18})");

    private final CpuCgroup cgroup;

    private GenerationCgroups(CpuCgroup cgroup) {
        this.cgroup = cgroup;
    }

    /**
     * Makes {@code cgroup} ready for generations. On cgroup v2 a cgroup that has children with controllers
     * may hold no process itself, so endlessd first moves itself into a leaf of its own,
     * {@value Delegation#SUPERVISOR_LEAF}, then enables {@code cpu} for the children.
     *
     * @throws IOException naming what is missing or refused, and the fix
     */
    public static GenerationCgroups open(CpuCgroup cgroup, long selfPid) throws IOException {
        Path weight = cgroup.weightFile(cgroup.directory());
        if (!Files.isWritable(cgroup.directory())) {
            throw new IOException(cgroup.directory() + " is not writable for endlessd (read-only under systemd's"
                    + " ProtectControlGroups=yes, or not delegated to this user)");
        }
        if (cgroup.version() == CpuCgroup.Version.V1) {
            if (!Files.isRegularFile(weight)) {
                throw new IOException(cgroup.directory() + " has no " + weight.getFileName() + ": not a cpu cgroup");
            }
            return new GenerationCgroups(cgroup);
        }
        String available = read(cgroup.directory().resolve("cgroup.controllers"));
        if (!List.of(available.trim().split(" ")).contains("cpu")) {
            throw new IOException("the cpu controller is not available in " + cgroup.directory() + " (it has: "
                    + (available.isBlank() ? "none" : available.trim()) + "; systemd gives it with Delegate=yes or"
                    + " Delegate=cpu)");
        }
        Path leaf = cgroup.directory().resolve(Delegation.SUPERVISOR_LEAF);
        if (!Files.isDirectory(leaf)) {
            Files.createDirectory(leaf);
        }
        write(leaf.resolve("cgroup.procs"), Long.toString(selfPid));
        try {
            write(cgroup.directory().resolve("cgroup.subtree_control"), "+cpu");
        } catch (IOException e) {
            throw new IOException("cannot enable cpu for the children of " + cgroup.directory() + " (" + e.getMessage()
                    + "): other processes than endlessd's are in it (" + members(cgroup.directory()) + ")", e);
        }
        return new GenerationCgroups(cgroup);
    }

    public CpuCgroup cgroup() {
        return cgroup;
    }

    /** The directory of generation {@code generation}'s cgroup. */
    public Path of(long generation) {
        return cgroup.directory().resolve("gen-" + generation);
    }

    /** Creates generation {@code generation}'s cgroup (one left behind by an earlier endlessd is taken as it is) and weighs it. */
    public void create(long generation, long weight) throws IOException {
        Path directory = of(generation);
        if (!Files.isDirectory(directory)) {
            Files.createDirectory(directory);
        }
        weigh(generation, weight);
    }

    public void weigh(long generation, long weight) throws IOException {
        write(cgroup.weightFile(of(generation)), Long.toString(weight));
    }

    /**
     * Removes generation {@code generation}'s cgroup once it is empty.
     *
     * @return true when it is gone (or was never there); false when processes still hold it
     * @throws IOException for any other reason it cannot be removed
     */
    public boolean remove(long generation) throws IOException {
        try {
            Files.delete(of(generation));
            return true;
        } catch (NoSuchFileException gone) {
            return true;
        } catch (IOException e) {
            if (!members(of(generation)).isEmpty()) {
                return false;
            }
            throw e;
        }
    }

    /** The processes in generation {@code generation}'s cgroup (empty when it is gone). */
    public List<Integer> members(long generation) {
        return members(of(generation));
    }

    /** The generations whose cgroups exist, e.g. left by an earlier endlessd. */
    public List<Long> existing() throws IOException {
        List<Long> generations = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(cgroup.directory(), "gen-*")) {
            for (Path child : children) {
                Matcher name = GENERATION.matcher(child.getFileName().toString());
                if (name.matches() && Files.isDirectory(child)) {
                    generations.add(Long.parseLong(name.group(1)));
                }
            }
        }
        return generations;
    }

    /**
     * The generation whose cgroup process {@code pid} is in, from {@code /proc/PID/cgroup}: how a new
     * image of endlessd finds the cgroups of the workers an upgrade carried over.
     */
    public OptionalLong generationOf(long pid) {
        try {
            ProcCgroup cgroups = ProcCgroup.parse(read(Path.of("/proc", Long.toString(pid), "cgroup")));
            Optional<String> path = cgroup.version() == CpuCgroup.Version.V1 ? cgroups.v1("cpu") : cgroups.unified();
            if (path.isEmpty()) {
                return OptionalLong.empty();
            }
            Path directory = cgroup.directoryOf(path.get());
            Matcher name = GENERATION.matcher(directory.getFileName() == null ? "" : directory.getFileName().toString());
            return name.matches() && cgroup.directory().equals(directory.getParent())
                    ? OptionalLong.of(Long.parseLong(name.group(1))) : OptionalLong.empty();
        } catch (IOException | RuntimeException gone) {
            return OptionalLong.empty();
        }
    }

    private static List<Integer> members(Path directory) {
        List<Integer> pids = new ArrayList<>();
        try {
            for (String line : read(directory.resolve("cgroup.procs")).split("\n")) {
                if (!line.isBlank()) {
                    pids.add(Integer.parseInt(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or not a cgroup: no members to tell of
        }
        return pids;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }

    /** cgroupfs takes one value per write; the error it gives (EBUSY, EINVAL, EACCES) is in the message. */
    private static void write(Path file, String value) throws IOException {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new IOException("cannot write " + value + " to " + file + ": " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        return e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.toString();
    }
}
