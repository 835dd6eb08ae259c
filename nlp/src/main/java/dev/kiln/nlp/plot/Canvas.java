package dev.kiln.nlp.plot;

import java.awt.Color;

/** The few drawing operations a chart needs, so one layout draws both the PNG and the SVG. */
interface Canvas {
    enum Anchor { START, MIDDLE, END }

    void line(double x1, double y1, double x2, double y2, Color color, float width, boolean dashed);

    void polyline(double[] xs, double[] ys, Color color, float width, boolean dashed);

    void circle(double x, double y, double radius, Color fill);

    void rectangle(double x, double y, double width, double height, Color fill, Color stroke);

    /** Text with its baseline at y; {@code vertical} rotates it 90 degrees counter-clockwise around (x, y). */
    void text(double x, double y, String text, Anchor anchor, float size, boolean bold, boolean vertical);
}
