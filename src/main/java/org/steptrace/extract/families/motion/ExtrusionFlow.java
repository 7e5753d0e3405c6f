package org.steptrace.extract.families.motion;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.steptrace.extract.Category;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Finding;
import org.steptrace.extract.families.common.EntryBuilder;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * Extrusion flow of a printing move: filament per millimetre of path, the line cross-section it
 * implies, the filament speed and the volumetric flow at the move's cruise speed, and the average
 * volumetric flow over the planner's own duration for the move.
 */
public final class ExtrusionFlow implements Family {
    private static final String[] ASKS = {"volumetric", "cross-section", "filament-speed", "average"};

    @Override
    public String id() {
        return "extrusion-flow-rate";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        double dia = trace.setting("extruder.filament_diameter_mm");
        if (!(dia > 0)) return out;
        List<TraceView.At<TraceRecord.Move>> cands = new ArrayList<>();
        for (TraceView.At<TraceRecord.Move> at : trace.all(TraceRecord.Move.class)) {
            TraceRecord.Move m = at.record();
            if (m.startMm().length < 4 || m.endMm().length < 4) continue;
            double dx = m.endMm()[0] - m.startMm()[0], dy = m.endMm()[1] - m.startMm()[1];
            double dz = m.endMm()[2] - m.startMm()[2], de = m.endMm()[3] - m.startMm()[3];
            double xy = Math.hypot(dx, dy);
            if (Math.abs(dz) > 1e-9 || xy < 1.0 || de < 0.01 || m.cruiseVMmPerS() <= 0 || m.durationS() <= 0) continue;
            if (m.startMm()[2] < 0.05) continue;
            cands.add(at);
        }
        int step = Math.max(1, (cands.size() + 19) / 20);
        int n = 0;
        for (int i = 0; i < cands.size(); i += step) {
            TraceView.At<TraceRecord.Move> at = cands.get(i);
            TraceRecord.Move m = at.record();
            Map<String, Double> obs = new HashMap<>();
            obs.put("length", Math.hypot(m.endMm()[0] - m.startMm()[0], m.endMm()[1] - m.startMm()[1]));
            obs.put("e", m.endMm()[3] - m.startMm()[3]);
            obs.put("vc", m.cruiseVMmPerS());
            obs.put("duration", m.durationS());
            obs.put("dia", dia);
            obs.put("layer", m.startMm()[2]);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
            double ddx = Math.abs(m.endMm()[0] - m.startMm()[0]), ddy = Math.abs(m.endMm()[1] - m.startMm()[1]);
            double l = Math.hypot(ddx, ddy);
            labels.put("role", l < 8 ? "a short segment of a polygonal arc" : (ddx < 1e-6 || ddy < 1e-6) ? "a straight wall line along one axis" : "a diagonal infill stroke");
            out.add(new Finding(RecordRange.of(at.line()), labels, Map.of(), obs));
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double len = f.observed("length"), e = f.observed("e"), vc = f.observed("vc"), dur = f.observed("duration");
        double dia = f.observed("dia"), h = f.observed("layer");
        double area = Math.PI * dia * dia / 4.0;
        double ratio = e / len;
        double section = area * ratio;
        double vf = vc * ratio;
        double q = section * vc;
        double qAvg = area * e / dur;
        double width = section / h;
        String ask = f.label("ask");
        String kin = f.label("kinematics");

        String L = b.q("length", len, 5, "mm"), E = b.q("e", e, 5, "mm"), VC = b.q("vc", vc, 3, "mm/s");
        String T = b.q("duration", dur, 5, "s"), D = b.q("dia", dia, 3, "mm"), H = b.q("layer", h, 3, "mm");
        String A = b.q("area", area, 5, "mm²");
        String R = b.q("ratio", ratio, 6, "mm/mm");
        String S = b.q("section", section, 6, "mm²");
        String VF = b.q("vf", vf, 5, "mm/s");
        String Q = b.q("q", q, 5, "mm³/s");
        String QA = b.q("q_avg", qAvg, 5, "mm³/s");
        String W = b.q("width", width, 4, "mm");

        String situation = b.pick(
                "A " + kin + " printer laid down one straight perimeter or infill line while printing a small part.",
                "In a print trace from a " + kin + " machine, one extruding move on a single layer was planned and executed.",
                "While printing, the motion planner of a " + kin + " printer emitted a straight extrusion segment on a flat layer.");
        String givens = b.pick(
                " The toolhead travelled " + L + " mm in the XY plane at layer height " + H + " mm while the extruder axis advanced "
                        + E + " mm of filament. The move cruised at " + VC + " mm/s and, including its ramps, took " + T
                        + " s. The filament diameter is " + D + " mm.",
                " Recorded values: XY path length " + L + " mm, filament advance " + E + " mm, cruise speed " + VC
                        + " mm/s, planned move duration " + T + " s, layer height " + H + " mm, filament diameter " + D + " mm.",
                " Its path was " + L + " mm long, the extruder pushed " + E + " mm of " + D + " mm filament, the cruise speed was "
                        + VC + " mm/s, the whole move lasted " + T + " s and the nozzle sat at Z = " + H + " mm.");
        String question = switch (ask) {
            case "volumetric" -> b.pick(" What volumetric flow (mm^3/s) must the hot end melt while the move cruises?",
                    " Find the melt rate in cubic millimetres per second that the cruise phase demands from the hot end.",
                    " Compute the volumetric flow at cruise speed and say whether it is the figure to compare with a hot end's melt limit.");
            case "cross-section" -> b.pick(" What cross-sectional area (mm^2) of extruded line does this move imply?",
                    " Determine the area of the deposited bead's cross-section, and the line width it suggests at this layer height.",
                    " How much filament is fed per millimetre of path, and what bead cross-section in mm^2 does that correspond to?");
            case "filament-speed" -> b.pick(" How fast (mm/s) does the filament itself move into the extruder during the cruise?",
                    " Find the linear filament feed speed during cruise, in mm/s.",
                    " During the constant-speed part of the move, at what speed is filament drawn from the spool?");
            default -> b.pick(" What is the average volumetric flow over the whole move, ramps included?",
                    " Averaged over the move's full duration, how many mm^3 of plastic per second were extruded?",
                    " Compare the mean volumetric flow over the move with the peak flow at cruise.");
        };
        String opener = b.pick("A slicer profile is being tuned for a hot end whose melt capacity is uncertain. ",
                "You are checking whether a print stays inside the extruder's limits. ",
                "Flow budgeting starts from what the planner actually executed. ",
                "A print engineer wants to turn a recorded move into a flow figure. ",
                "");
        String closer = b.pick(" Show each conversion with its units.",
                " Work from first principles (volume conservation between filament and bead).",
                " State any assumption about the bead shape you make.",
                " Keep at least four significant figures.",
                "");
        String role = f.labels().getOrDefault("role", "a printed line");
        String roleText = b.pick(" The line in question is " + role + ".", " Geometrically, it was " + role + ".", " (The segment is " + role + ".)");
        b.problem(opener + situation + roleText + givens + question + closer);

        b.think("First, let me understand what's happening physically. The extruder axis is coordinated with the toolhead: the planner "
                + "scales filament motion in proportion to path length, so the ratio of filament to path is fixed for the whole move. "
                + "Filament of diameter " + D + " mm enters the hot end and leaves as a flat bead, and volume is conserved between the two.");
        b.think("The filament's cross-section is A_f = π d^2 / 4 = π · " + D + "^2 / 4 = " + A + " mm^2. The extrusion ratio is r = E / L = "
                + E + " / " + L + " = " + R + " mm of filament per mm of path.");
        b.think(b.pick("Wait, I almost multiplied the filament area by the path speed directly. That would be the flow if the filament moved as fast as the nozzle, which it does not; ",
                "Let me be careful with which speed goes where: the nozzle speed and the filament speed differ by the factor r, so ")
                + "the filament feed speed at cruise is v_f = r · v_c = " + R + " · " + VC + " = " + VF + " mm/s, and the volumetric flow is Q = A_f · v_f = "
                + Q + " mm^3/s.");
        b.think("Another way to see it: the bead's cross-section is S = A_f · r = " + S + " mm^2, and the bead is laid at v_c, so Q = S · v_c = "
                + S + " · " + VC + " = " + Q + " mm^3/s. Same number, good. Dividing S by the layer height " + H + " mm gives a rectangular-equivalent width of "
                + W + " mm, which is the right order for a typical nozzle, so the numbers are plausible.");
        b.think("The ramps carry less flow than the cruise. Over the planner's duration the average is A_f · E / T = " + A + " · " + E + " / " + T
                + " = " + QA + " mm^3/s, below the cruise value as it must be, since the mean speed of a trapezoid is below its plateau.");

        b.controlProblem("For a straight extruding move of XY length L = " + L + " mm that feeds E = " + E + " mm of filament of diameter d = "
                + D + " mm, cruising at v_c = " + VC + " mm/s over a total duration T = " + T
                + " s, find the filament per path length, the bead cross-section, the filament feed speed and the volumetric flow at cruise, and the mean flow over the move.");
        b.context("- Hardware limitations: a hot end can melt only a bounded volume per second; the cruise flow of " + Q
                + " mm^3/s is the figure to compare with that bound, not the average.\n"
                + "- Real-time requirements: the extruder stepper must follow the toolhead's velocity profile exactly, so its step rate scales with r at every instant of the ramps.\n"
                + "- Safety requirements: a flow beyond the melt limit makes the drive gear grind the filament; extruding below the minimum temperature must be refused before any step is queued.");
        b.analysis("Step 1: Filament area. A_f = π d^2 / 4 = " + A + " mm^2.\n\n"
                + "Step 2: Extrusion ratio. r = E / L = " + R + " mm/mm.\n\n"
                + "Step 3: Bead cross-section. S = A_f · r = " + S + " mm^2; at layer height " + H + " mm the equivalent width is S / h = " + W + " mm.\n\n"
                + "Step 4: Cruise rates. v_f = r · v_c = " + VF + " mm/s and Q = S · v_c = " + Q + " mm^3/s.\n\n"
                + "Step 5: Mean flow. Q_avg = A_f · E / T = " + QA + " mm^3/s < Q, as expected for a profile with ramps.");
        b.rust("Units are newtypes, so a filament speed can never be passed where a path speed is expected, and invalid geometry is an error value rather than a NaN.",
                """
                use std::f64::consts::PI;

                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Mm(pub f64);
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct MmPerS(pub f64);

                #[derive(Debug, PartialEq)]
                pub enum FlowError {
                    NonPositive(&'static str),
                }

                #[derive(Debug, Clone, Copy)]
                pub struct Flow {
                    pub ratio: f64,
                    pub section_mm2: f64,
                    pub feed: MmPerS,
                    pub volumetric_mm3_s: f64,
                }

                pub fn cruise_flow(path: Mm, fil: Mm, cruise: MmPerS, fil_dia: Mm) -> Result<Flow, FlowError> {
                    if path.0 <= 0.0 {
                        return Err(FlowError::NonPositive("path length"));
                    }
                    if fil_dia.0 <= 0.0 {
                        return Err(FlowError::NonPositive("filament diameter"));
                    }
                    let area = PI * fil_dia.0 * fil_dia.0 / 4.0;
                    let ratio = fil.0 / path.0;
                    let section = area * ratio;
                    Ok(Flow {
                        ratio,
                        section_mm2: section,
                        feed: MmPerS(ratio * cruise.0),
                        volumetric_mm3_s: section * cruise.0,
                    })
                }

                pub fn mean_flow(fil: Mm, fil_dia: Mm, duration_s: f64) -> Option<f64> {
                    if duration_s <= 0.0 {
                        return None;
                    }
                    Some(PI * fil_dia.0 * fil_dia.0 / 4.0 * fil.0 / duration_s)
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_move_flow() {
                        let f = cruise_flow(Mm(%L), Mm(%E), MmPerS(%VC), Mm(%D)).unwrap();
                        assert!(((f.volumetric_mm3_s - %Q) / %Q).abs() < 1e-3);
                        assert!(((f.section_mm2 - %S) / %S).abs() < 1e-3);
                        assert!(((f.feed.0 - %VF) / %VF).abs() < 1e-3);
                        assert!(((f.ratio - %R) / %R).abs() < 1e-3);
                        let m = mean_flow(Mm(%E), Mm(%D), %T).unwrap();
                        assert!(((m - %QA) / %QA).abs() < 1e-3);
                    }

                    #[test]
                    fn rejects_zero_path() {
                        assert!(cruise_flow(Mm(0.0), Mm(%E), MmPerS(%VC), Mm(%D)).is_err());
                        assert_eq!(mean_flow(Mm(%E), Mm(%D), 0.0), None);
                    }
                }
                """.replace("%L", L).replace("%E", E).replace("%VC", VC).replace("%D", D).replace("%QA", QA).replace("%Q", Q)
                        .replace("%S", S).replace("%VF", VF).replace("%R", R).replace("%T", T),
                "The function borrows nothing and owns nothing: it is pure arithmetic on values, which makes it safe to call from the planner thread while the step generator runs elsewhere.");
        b.safety("The flow figures are bounded by construction: Q is proportional to v_c, and v_c never exceeds the planned cruise of " + VC
                + " mm/s, so the instantaneous melt demand never exceeds " + Q + " mm^3/s during this move. A planner that knows the hot end's melt limit can cap v_c at limit / S before the move is queued, "
                + "which keeps the extruder from skipping without touching the geometry of the part.");
        b.edgeCases("- A zero-length XY move with E ≠ 0 is a pure extruder move; r is undefined and the flow must be computed from the extruder's own speed instead.\n"
                + "- Very thin lines (tiny r) are dominated by pressure lag in the melt zone; the computed Q is correct on average but the bead lags the nozzle at ramps.\n"
                + "- A negative E on a travel move is a retraction and must not be fed to a flow limit as negative flow.");
        b.alternatives("Volumetric limiting (cap v_c so S · v_c stays under the melt limit) is simpler than per-material speed tables and adapts to line width automatically. "
                + "Specifying E in mm^3 instead of mm of filament removes the diameter from the planner's arithmetic entirely, at the cost of needing the diameter at the extruder driver.");
        switch (ask) {
            case "volumetric" -> b.answer("mm³/s", 1e-3, "q");
            case "cross-section" -> b.answer("mm²", 1e-5, "section");
            case "filament-speed" -> b.answer("mm/s", 1e-3, "vf");
            default -> b.answer("mm³/s", 1e-3, "q_avg", "q");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.Move m)) return r;
        double[] s = m.startMm(), e = m.endMm();
        double dx = e[0] - s[0], dy = e[1] - s[1];
        double len = Math.sqrt(dx * dx + dy * dy);
        double fil = e[3] - s[3];
        double dia = trace.setting("extruder.filament_diameter_mm");
        double radius = dia / 2.0;
        double area = Math.PI * radius * radius;
        double vol = area * fil; // volume of filament fed over the move
        r.put("length", len);
        r.put("e", fil);
        r.put("vc", m.cruiseVMmPerS());
        r.put("duration", m.durationS());
        r.put("dia", dia);
        r.put("layer", s[2]);
        r.put("area", area);
        r.put("ratio", fil / len);
        r.put("section", vol / len);
        // Time to traverse the path at cruise, then rates per unit of that time.
        double tAtCruise = len / m.cruiseVMmPerS();
        r.put("vf", fil / tAtCruise);
        r.put("q", vol / tAtCruise);
        r.put("q_avg", vol / m.durationS());
        r.put("width", vol / (len * s[2]));
        return r;
    }
}
