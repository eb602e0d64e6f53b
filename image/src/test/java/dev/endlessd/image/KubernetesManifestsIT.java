package dev.endlessd.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Deployment in packaging/kubernetes agrees with the image the build made: it runs the image's
 * command, mounts the ConfigMap where endlessd watches, probes with a command the image has, and
 * gives endlessd more time to drain than the drain timeout it sets. (The manifests' schema is
 * checked by packaging/kubernetes/validate, which needs node.)
 */
class KubernetesManifestsIT {
    private static final List<String> PROBE = List.of("endlessd", "status", "--check");

    @TempDir
    static Path dir;
    private static OciImage image;
    private static JsonNode pod;
    private static JsonNode container;

    @BeforeAll
    static void read() throws Exception {
        image = OciImage.open(Path.of(System.getProperty("endlessd.image.tar")), dir.resolve("layout"));
        JsonNode deployment = new ObjectMapper(new YAMLFactory())
                .readTree(Path.of(System.getProperty("endlessd.kubernetes"), "deployment.yaml").toFile());
        pod = deployment.at("/spec/template/spec");
        container = pod.at("/containers/0");
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Path inImage(String path) {
        return Path.of(System.getProperty("endlessd.image.rootfs"), path);
    }

    @Test
    void theContainerRunsTheImagesCommandWithADrainTimeout() {
        List<String> args = strings(container.get("args"));
        assertEquals(image.config().cmd(), args.subList(0, image.config().cmd().size()),
                "the args start with the image's own command");
        assertTrue(args.contains("--drain-timeout"), args.toString());
    }

    @Test
    void theConfigMapIsMountedWhereEndlessdWatches() {
        List<String> args = strings(container.get("args"));
        String watched = args.get(args.indexOf("--reload-on-change") + 1);
        JsonNode mount = find(container.get("volumeMounts"), "mountPath", watched);
        assertTrue(mount != null, "a volume at " + watched);
        JsonNode volume = find(pod.get("volumes"), "name", mount.get("name").asText());
        assertTrue(volume.has("configMap"), volume.toString());
        assertTrue(!mount.has("subPath"), "a subPath mount never sees ConfigMap updates");
    }

    @Test
    void everyProbeAsksEndlessdAndTheImageHasIt() {
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertEquals(PROBE, strings(container.at("/" + probe + "/exec/command")), probe);
        }
        assertTrue(image.config().env().stream().anyMatch(env -> env.startsWith("PATH=") && env.contains("/usr/bin")));
        assertTrue(Files.isExecutable(inImage("usr/bin/endlessd")));
    }

    @Test
    void theGracePeriodCoversThePreStopPauseAndTheDrain() {
        List<String> preStop = strings(container.at("/lifecycle/preStop/exec/command"));
        assertEquals("sleep", preStop.get(0));
        assertTrue(Files.isExecutable(inImage("usr/bin/sleep")), "the image has sleep");
        List<String> args = strings(container.get("args"));
        String drain = args.get(args.indexOf("--drain-timeout") + 1);
        assertTrue(drain.endsWith("s") && drain.matches("\\d+s"), "drain timeout in seconds: " + drain);
        int needed = Integer.parseInt(preStop.get(1)) + Integer.parseInt(drain.substring(0, drain.length() - 1));
        int grace = pod.get("terminationGracePeriodSeconds").asInt();
        assertTrue(grace > needed, "terminationGracePeriodSeconds " + grace + " must exceed preStop + drain = " + needed);
    }

    @Test
    void theUserIsTheImagesAndTmpIsWritableUnderAReadOnlyRoot() {
        assertEquals(image.config().user().split(":")[0], pod.at("/securityContext/runAsUser").asText());
        assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        JsonNode tmp = find(container.get("volumeMounts"), "mountPath", "/tmp");
        assertTrue(find(pod.get("volumes"), "name", tmp.get("name").asText()).has("emptyDir"));
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode element : array) {
            if (element.path(field).asText().equals(value)) {
                return element;
            }
        }
        return null;
    }
}
