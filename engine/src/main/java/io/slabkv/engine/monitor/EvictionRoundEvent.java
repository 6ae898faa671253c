package io.slabkv.engine.monitor;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A JFR event per eviction round of the monitor (pressure, or a lowered memory limit). */
@Name("io.slabkv.EvictionRound")
@Label("slabkv eviction round")
@Category("slabkv")
@Description("The sampling monitor evicted entries to bring memory pressure down")
public final class EvictionRoundEvent extends Event {

    @Label("Cause")
    String cause;

    @Label("Bytes freed")
    @DataAmount
    long bytesFreed;

    @Label("Pressure before")
    double pressureBefore;

    @Label("Pressure after")
    double pressureAfter;

    public static void emit(String cause, long bytesFreed, double before, double after) {
        EvictionRoundEvent e = new EvictionRoundEvent();
        if (e.shouldCommit()) {
            e.cause = cause;
            e.bytesFreed = bytesFreed;
            e.pressureBefore = before;
            e.pressureAfter = after;
            e.commit();
        }
    }
}
