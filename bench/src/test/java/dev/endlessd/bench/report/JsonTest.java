package dev.endlessd.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void keepsTheOrderOfMapsAndWritesFractionsToThreeDecimals() {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("passes", List.of(Map.of("name", "keepalive")));
        run.put("p99_ms", 1.07549);
        run.put("requests", 5425450L);
        run.put("label", "a \"quoted\"\nline");

        assertEquals("""
                {
                  "passes": [ {
                    "name": "keepalive"
                  } ],
                  "p99_ms": 1.075,
                  "requests": 5425450,
                  "label": "a \\"quoted\\"\\nline"
                }
                """, Json.write(run));
    }

    @Test
    void writesNullForWhatIsNoNumber() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("nan", Double.NaN);
        figures.put("infinite", Double.POSITIVE_INFINITY);
        figures.put("missing", null);

        assertEquals("{\n  \"nan\": null,\n  \"infinite\": null,\n  \"missing\": null\n}\n", Json.write(figures));
    }
}
