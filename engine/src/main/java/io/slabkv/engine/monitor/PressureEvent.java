package io.slabkv.engine.monitor;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A JFR event when memory pressure crosses the high watermark, up or down. */
@Name("io.slabkv.PressureChange")
@Label("slabkv pressure change")
@Category("slabkv")
@Description("Memory pressure crossed the monitor's high watermark")
public final class PressureEvent extends Event {

    @Label("Pressure")
    double pressure;

    @Label("High watermark")
    double high;

    @Label("Low watermark")
    double low;

    @Label("Above high watermark")
    boolean above;

    public static void emit(double pressure, double high, double low, boolean above) {
        PressureEvent e = new PressureEvent();
        if (e.shouldCommit()) {
            e.pressure = pressure;
            e.high = high;
            e.low = low;
            e.above = above;
            e.commit();
        }
    }
}
