package dev.endlessd.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An image in an OCI layout tarball (what {@code jib:buildTar} writes with format OCI): its config,
 * and its layers unpacked into a root filesystem the way a container runtime stacks them.
 *
 * @param layers the layer blobs, lowest first
 */
record OciImage(Config config, List<Path> layers) {

    /** What the image's config says to run, and how. */
    record Config(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {
    }

    /** Unpacks {@code tarball} into {@code layout} and reads its one manifest. */
    static OciImage open(Path tarball, Path layout) throws IOException, InterruptedException {
        Files.createDirectories(layout);
        run("tar", "-xf", tarball.toString(), "-C", layout.toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode index = json.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = json.readTree(blob(layout, index.get("manifests").get(0).get("digest").asText()).toFile());
        JsonNode config = json.readTree(blob(layout, manifest.get("config").get("digest").asText()).toFile()).get("config");
        List<Path> layers = new ArrayList<>();
        for (JsonNode layer : manifest.get("layers")) {
            if (!layer.get("mediaType").asText().equals("application/vnd.oci.image.layer.v1.tar+gzip")) {
                throw new IOException("unexpected layer type " + layer.get("mediaType"));
            }
            layers.add(blob(layout, layer.get("digest").asText()));
        }
        return new OciImage(new Config(strings(config.get("Entrypoint")), strings(config.get("Cmd")),
                strings(config.get("Env")), config.path("WorkingDir").asText("/"), config.path("User").asText("")), layers);
    }

    /** Stacks the layers into {@code rootfs}, as root so that owners and modes are the image's. */
    Path unpack(Path rootfs) throws IOException, InterruptedException {
        Files.createDirectories(rootfs);
        for (Path layer : layers) {
            // the layers of this image delete nothing, so there are no whiteout files to apply
            run("tar", "--numeric-owner", "-xzf", layer.toString(), "-C", rootfs.toString());
        }
        return rootfs;
    }

    /** The compressed size of the layers: what a registry stores and a node pulls. */
    long compressedSize() throws IOException {
        long size = 0;
        for (Path layer : layers) {
            size += Files.size(layer);
        }
        return size;
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(value -> values.add(value.asText()));
        }
        return values;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
