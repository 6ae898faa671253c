package io.slabkv.bench.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart drawn with Java2D into a PNG (headless): groups along x, one bar per series in
 * each group, optional error bars, linear or log10 y axis, a legend, values printed above the bars.
 */
final class BarChart {

    static final Color[] PALETTE = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
            new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B)};

    String title = "";
    String yLabel = "";
    boolean log;
    List<String> groups = List.of();
    List<String> series = List.of();
    /** values[series][group]; NaN for none. */
    double[][] values;
    /** errors[series][group] (half-width), or null. */
    double[][] errors;
    int width = 1200;
    int height = 560;

    void write(Path file) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int left = 90, right = 30, top = 60, bottom = 90;
        int pw = width - left - right, ph = height - top - bottom;

        double max = 0, min = Double.MAX_VALUE;
        for (int s = 0; s < values.length; s++) {
            for (int k = 0; k < values[s].length; k++) {
                double v = values[s][k];
                if (Double.isNaN(v) || v <= 0 && log) {
                    continue;
                }
                max = Math.max(max, v); // error bars do not stretch the axis: they are clipped at its top
                min = Math.min(min, v);
            }
        }
        double lo, hi;
        if (log) {
            lo = Math.floor(Math.log10(min));
            hi = Math.ceil(Math.log10(max * 1.5));
        } else {
            lo = 0;
            hi = niceCeil(max * (errors == null ? 1.12 : 1.4));
        }

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();

        // y grid and labels
        int ticks = log ? (int) (hi - lo) : 5;
        for (int t = 0; t <= ticks; t++) {
            double yv = lo + (hi - lo) * t / ticks;
            int y = top + ph - (int) Math.round(ph * (double) t / ticks);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.DARK_GRAY);
            String label = log ? fmt(Math.pow(10, yv)) : fmt(yv);
            g.drawString(label, left - 8 - fm.stringWidth(label), y + 5);
        }
        Graphics2D gr = (Graphics2D) g.create();
        gr.rotate(-Math.PI / 2);
        gr.drawString(yLabel, -(top + ph / 2 + fm.stringWidth(yLabel) / 2), 20);
        gr.dispose();

        int ng = groups.size(), ns = series.size();
        double gw = (double) pw / ng;
        double bw = gw * 0.8 / ns;
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, ns * ng > 24 ? 9 : 11);
        for (int k = 0; k < ng; k++) {
            double gx = left + k * gw + gw * 0.1;
            for (int s = 0; s < ns; s++) {
                double v = values[s][k];
                if (Double.isNaN(v)) {
                    continue;
                }
                int x = (int) Math.round(gx + s * bw);
                int y = yOf(v, lo, hi, top, ph);
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(x, y, Math.max(1, (int) Math.round(bw) - 2), top + ph - y);
                if (errors != null && !Double.isNaN(errors[s][k]) && errors[s][k] > 0) {
                    int cx = x + (int) (bw / 2) - 1;
                    int y1 = yOf(v + errors[s][k], lo, hi, top, ph);
                    int y2 = yOf(Math.max(v - errors[s][k], log ? Math.pow(10, lo) : 0), lo, hi, top, ph);
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(1.5f));
                    g.drawLine(cx, y1, cx, y2);
                    g.drawLine(cx - 4, y1, cx + 4, y1);
                    g.drawLine(cx - 4, y2, cx + 4, y2);
                    y = Math.min(y, y1);
                }
                g.setColor(Color.BLACK);
                g.setFont(small);
                String label = fmt(v);
                int lw = g.getFontMetrics().stringWidth(label);
                g.drawString(label, x + (int) (bw / 2) - lw / 2, y - 4);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            }
            g.setColor(Color.BLACK);
            String gl = groups.get(k);
            g.drawString(gl, (int) (left + k * gw + gw / 2 - fm.stringWidth(gl) / 2.0), top + ph + 20);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, top + ph, left + pw, top + ph);
        g.drawLine(left, top, left, top + ph);

        // legend
        int lx = left, ly = height - 35;
        for (int s = 0; s < ns; s++) {
            g.setColor(PALETTE[s % PALETTE.length]);
            g.fillRect(lx, ly - 11, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(series.get(s), lx + 20, ly + 1);
            lx += 20 + fm.stringWidth(series.get(s)) + 30;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private int yOf(double v, double lo, double hi, int top, int ph) {
        double f = log ? (Math.log10(Math.max(v, Math.pow(10, lo))) - lo) / (hi - lo) : (v - lo) / (hi - lo);
        return top + ph - (int) Math.round(ph * Math.min(1, Math.max(0, f)));
    }

    private static double niceCeil(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.3gG", v / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.3gk", v / 1e3);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
