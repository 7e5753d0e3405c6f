package org.steptrace.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark print: layers of 0.2 mm, each two perimeters of a 25 mm-radius circle in 720
 * segments at 40 mm/s, then zig-zag infill at 2 mm pitch at 80 mm/s, with 150 mm/s travels and
 * relative extrusion (0.4 mm line, 1.75 mm filament).
 */
public final class VaseInfillPrint {
    private static final double CENTER = 100;
    private static final double RADIUS = 25;
    private static final int SEGMENTS = 720;
    private static final double LAYER_MM = 0.2;
    private static final double LINE_WIDTH_MM = 0.4;
    private static final double FILAMENT_AREA_MM2 = Math.PI * 1.75 * 1.75 / 4;

    private VaseInfillPrint() {}

    public static List<String> gcode(int layers) {
        List<String> g = new ArrayList<>();
        g.add("G28");
        g.add("M83");
        double x = CENTER;
        double y = CENTER;
        for (int layer = 1; layer <= layers; layer++) {
            double z = layer * LAYER_MM;
            g.add(String.format(Locale.ROOT, "G1 Z%.3f F600", z));
            for (int perimeter = 0; perimeter < 2; perimeter++) {
                double r = RADIUS - perimeter * LINE_WIDTH_MM;
                x = CENTER + r;
                y = CENTER;
                g.add(String.format(Locale.ROOT, "G1 X%.3f Y%.3f F9000", x, y));
                for (int i = 1; i <= SEGMENTS; i++) {
                    double a = 2 * Math.PI * i / SEGMENTS;
                    double nx = CENTER + r * Math.cos(a);
                    double ny = CENTER + r * Math.sin(a);
                    g.add(String.format(Locale.ROOT, "G1 X%.3f Y%.3f E%.5f F2400", nx, ny, extrusion(x, y, nx, ny)));
                    x = nx;
                    y = ny;
                }
            }
            // Zig-zag infill inside the inner perimeter, alternating direction each layer.
            double inner = RADIUS - 2 * LINE_WIDTH_MM;
            boolean first = true;
            boolean leftToRight = true;
            for (double off = -inner + 1; off < inner; off += 2) {
                double half = Math.sqrt(inner * inner - off * off);
                double ax = CENTER + (leftToRight ? -half : half);
                double bx = CENTER + (leftToRight ? half : -half);
                double ly = CENTER + off;
                double sx = layer % 2 == 0 ? ly : ax;
                double sy = layer % 2 == 0 ? ax : ly;
                double ex = layer % 2 == 0 ? ly : bx;
                double ey = layer % 2 == 0 ? bx : ly;
                if (first) {
                    g.add(String.format(Locale.ROOT, "G1 X%.3f Y%.3f F9000", sx, sy));
                    first = false;
                } else {
                    g.add(String.format(Locale.ROOT, "G1 X%.3f Y%.3f E%.5f F4800", sx, sy, extrusion(x, y, sx, sy)));
                }
                g.add(String.format(Locale.ROOT, "G1 X%.3f Y%.3f E%.5f F4800", ex, ey, extrusion(sx, sy, ex, ey)));
                x = ex;
                y = ey;
                leftToRight = !leftToRight;
            }
        }
        g.add("G1 Z20 F600");
        return g;
    }

    private static double extrusion(double x0, double y0, double x1, double y1) {
        return Math.hypot(x1 - x0, y1 - y0) * LAYER_MM * LINE_WIDTH_MM / FILAMENT_AREA_MM2;
    }
}
