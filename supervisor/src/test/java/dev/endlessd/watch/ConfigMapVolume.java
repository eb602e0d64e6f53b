package dev.endlessd.watch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A directory updated the way the kubelet updates a mounted ConfigMap or Secret (its AtomicWriter):
 * the files go into a new timestamped directory, a {@code ..data_tmp} link to it is renamed over
 * {@code ..data}, each visible name is a link to {@code ..data/NAME}, and the old directory goes.
 * Not one visible file is ever written in place.
 */
public final class ConfigMapVolume {
    private final Path root;
    private int updates;

    public ConfigMapVolume(Path root) throws IOException {
        this.root = Files.createDirectories(root);
    }

    public Path root() {
        return root;
    }

    /** Publishes {@code files} (name → content) as the volume's new content, atomically. */
    public void publish(Map<String, String> files) throws IOException {
        Path data = root.resolve("..data");
        Path old = Files.isSymbolicLink(data) ? root.resolve(Files.readSymbolicLink(data)) : null;
        Path fresh = root.resolve(String.format("..2026_11_30_12_00_00.%09d", ++updates));
        Files.createDirectory(fresh);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(fresh.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
        Path temporary = root.resolve("..data_tmp");
        Files.createSymbolicLink(temporary, fresh.getFileName());
        Files.move(temporary, data, StandardCopyOption.ATOMIC_MOVE);
        for (String name : files.keySet()) {
            Path visible = root.resolve(name);
            if (!Files.isSymbolicLink(visible)) {
                Files.createSymbolicLink(visible, Path.of("..data", name));
            }
        }
        if (old != null) {
            try (Stream<Path> tree = Files.walk(old)) {
                for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
