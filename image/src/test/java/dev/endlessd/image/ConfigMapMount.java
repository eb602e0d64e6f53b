package dev.endlessd.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A directory laid out and updated as the kubelet does a mounted ConfigMap with one key: the file is a
 * link to {@code ..data/KEY}, {@code ..data} a link to a timestamped directory, and an update renames a
 * new {@code ..data} link over the old one. Links are relative, so they resolve inside a chroot too.
 */
final class ConfigMapMount {
    private final Path root;
    private final String key;
    private int updates;

    private ConfigMapMount(Path root, String key) {
        this.root = root;
        this.key = key;
    }

    /** Turns {@code root/key}, a plain file, into a ConfigMap mount of the same content. */
    static ConfigMapMount over(Path root, String key) throws IOException {
        ConfigMapMount mount = new ConfigMapMount(root, key);
        String content = Files.readString(root.resolve(key));
        Files.delete(root.resolve(key));
        mount.publish(content);
        Files.createSymbolicLink(root.resolve(key), Path.of("..data", key));
        return mount;
    }

    void publish(String content) throws IOException {
        Path fresh = root.resolve(String.format("..2026_11_30_12_00_00.%09d", ++updates));
        Files.createDirectory(fresh);
        Files.writeString(fresh.resolve(key), content);
        Files.createSymbolicLink(root.resolve("..data_tmp"), fresh.getFileName());
        Files.move(root.resolve("..data_tmp"), root.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    }
}
