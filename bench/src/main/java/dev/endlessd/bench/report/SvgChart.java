package dev.endlessd.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * Latency over time, one panel per scenario of a pass, sharing a logarithmic latency axis: per time slice the
 * median, p99 and max of the successful requests; reload windows shaded, with a line where each reload was
 * asked for; a red bar on top where requests failed, as tall as the share that failed.
 */
public final class SvgChart {
    private static final int WIDTH = 1100;
    private static final int LEFT = 72;
    private static final int RIGHT = 24;
    private static final int PANEL = 170;
    private static final int GAP = 58;
    private static final int TOP = 78;
    private static final int FAIL_STRIP = 22;

    private final StringBuilder svg = new StringBuilder();

    private SvgChart() {
    }

    /** The chart of one pass, as an SVG document. {@code subtitle} names the machine and the date. */
    public static String render(PassResult pass, String subtitle) {
        return new SvgChart().draw(pass, subtitle);
    }

    private String draw(PassResult pass, String subtitle) {
        List<ScenarioResult> results = pass.results().stream().filter(r -> r.error() == null).toList();
        int height = TOP + results.size() * (PANEL + GAP) + 10;
        double seconds = results.stream().mapToDouble(ScenarioResult::seconds).max().orElse(1);
        double topMs = Math.max(10, Math.pow(10, Math.ceil(Math.log10(Math.max(1e-3, results.stream()
                .flatMap(r -> r.series().stream()).mapToInt(b -> b.latency().max()).max().orElse(1) / 1000.0)))));
        double bottomMs = 0.01;
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, height, WIDTH, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(LEFT, 24, "Latency under load, pass \"" + pass.name() + "\": " + pass.load().describe(), 16, "bold");
        text(LEFT, 42, subtitle, 12, "normal");
        legend(LEFT, 62);
        for (int i = 0; i < results.size(); i++) {
            panel(results.get(i), TOP + i * (PANEL + GAP) + 20, seconds, bottomMs, topMs);
        }
        return svg.append("</svg>\n").toString();
    }

    private void legend(int x, int y) {
        swatchLine(x, y, "#08519c", 2.0, "p99 per slice");
        swatchLine(x + 130, y, "#6baed6", 1.2, "median");
        swatchLine(x + 230, y, "#bdbdbd", 1.0, "max");
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"18\" height=\"10\" fill=\"#fdd9b5\"/>\n",
                x + 310, y - 9));
        text(x + 334, y, "reload window (request → new ready and old gone)", 12, "normal");
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"18\" height=\"10\" fill=\"#d62728\"/>\n",
                x + 680, y - 9));
        text(x + 704, y, "share of requests failed (top strip)", 12, "normal");
    }

    private void swatchLine(int x, int y, String color, double width, String label) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                + "stroke-width=\"%.1f\"/>\n", x, y - 4, x + 20, y - 4, color, width));
        text(x + 26, y, label, 12, "normal");
    }

    private void panel(ScenarioResult r, int top, double seconds, double bottomMs, double topMs) {
        int bottom = top + PANEL;
        int right = WIDTH - RIGHT;
        String title = String.format(Locale.ROOT, "%s: %d ok, %d failed%s, p99 %s ms", r.scenario().title(), r.ok(),
                r.failed(), Report.kinds(r), Report.ms(r.overall().p99()));
        if (!r.windows().isEmpty()) {
            title += String.format(Locale.ROOT, ", p99 in reload windows %s ms, max %s ms",
                    Report.ms(r.inReloads().p99()), Report.ms(r.inReloads().max()));
        }
        text(LEFT, top - 8, title, 13, "bold");
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fbfbfb\" "
                + "stroke=\"#999\"/>\n", LEFT, top, right - LEFT, PANEL));
        for (Window w : r.windows()) {
            double x0 = x(w.startNanos() / 1e9, seconds);
            double x1 = Math.max(x0 + 1, x(w.endNanos() / 1e9, seconds));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    + "fill=\"#fdd9b5\"/>\n", x0, top + 1, x1 - x0, PANEL - 2));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#e6550d\" stroke-width=\"1\"/>\n", x0, top, x0, bottom));
        }
        for (double decade = bottomMs; decade <= topMs * 1.001; decade *= 10) {
            double y = y(decade, top, bottomMs, topMs);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>\n",
                    LEFT, y, right, y));
            text(LEFT - 6, (int) y + 4, decadeLabel(decade), 11, "normal", "end");
        }
        int step = seconds > 120 ? 20 : seconds > 40 ? 10 : 5;
        for (int s = 0; s <= seconds; s += step) {
            double x = x(s, seconds);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>\n",
                    x, bottom, x, bottom + 4));
            text((int) x, bottom + 16, s + " s", 11, "normal", "middle");
        }
        for (Bucket b : r.series()) {
            int total = b.ok() + b.failed();
            if (b.failed() > 0 && total > 0) {
                double x0 = x(b.startMillis() / 1000.0, seconds);
                double x1 = x((b.startMillis() + bucketMillis(r)) / 1000.0, seconds);
                double h = Math.max(2, FAIL_STRIP * b.failed() / (double) total);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"#d62728\"/>\n", x0, top + 1, Math.max(1, x1 - x0), h));
            }
        }
        series(r, seconds, top, bottomMs, topMs, "#bdbdbd", 1.0, Kind.MAX);
        series(r, seconds, top, bottomMs, topMs, "#6baed6", 1.2, Kind.P50);
        series(r, seconds, top, bottomMs, topMs, "#08519c", 2.0, Kind.P99);
    }

    private enum Kind { P50, P99, MAX }

    private void series(ScenarioResult r, double seconds, int top, double bottomMs, double topMs, String color,
                        double width, Kind kind) {
        StringBuilder path = new StringBuilder();
        boolean pen = false;
        long half = bucketMillis(r) / 2;
        for (Bucket b : r.series()) {
            if (b.ok() == 0) {
                pen = false;
                continue;
            }
            int micros = switch (kind) {
                case P50 -> b.latency().p50();
                case P99 -> b.latency().p99();
                case MAX -> b.latency().max();
            };
            double ms = Math.max(bottomMs, micros / 1000.0);
            path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f",
                    x((b.startMillis() + half) / 1000.0, seconds), y(ms, top, bottomMs, topMs)));
            pen = true;
        }
        if (path.length() > 0) {
            svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
                    + "stroke-linejoin=\"round\"/>\n", path.toString().trim(), color, width));
        }
    }

    private static long bucketMillis(ScenarioResult r) {
        return r.series().size() > 1 ? r.series().get(1).startMillis() - r.series().get(0).startMillis() : 1000;
    }

    private static double x(double second, double seconds) {
        return LEFT + (WIDTH - LEFT - RIGHT) * Math.min(1, second / seconds);
    }

    private static double y(double ms, int top, double bottomMs, double topMs) {
        double share = Math.log10(ms / bottomMs) / Math.log10(topMs / bottomMs);
        return top + PANEL - PANEL * Math.max(0, Math.min(1, share));
    }

    private static String decadeLabel(double ms) {
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.0f s", ms / 1000);
        }
        if (ms >= 1) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        return String.format(Locale.ROOT, "%s ms", ms >= 0.1 ? "0.1" : "0.01");
    }

    private void text(int x, int y, String text, int size, String weight) {
        text(x, y, text, size, weight, "start");
    }

    private void text(int x, int y, String text, int size, String weight, String anchor) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\" "
                + "text-anchor=\"%s\">%s</text>\n", x, y, size, weight, anchor, escape(text)));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
