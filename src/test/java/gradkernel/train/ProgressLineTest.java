package gradkernel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.optim.MonitorEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  @Test
  void onATerminalTheLineRedrawsInPlaceAndEventsGetTheirOwnLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressLine p = new ProgressLine(err, false, true, "");
    TrainConfig c = TrainerTest.config("adding", "gru", 4, 6, 4, 3, "adam", 1e-2, 1, "default",
        1, 1);
    new Trainer(c).run(new Trainer.Listener() {
      @Override public void step(Trainer.StepReport s) {
        if (s.step() == 1) {
          p.event(new MonitorEvent(MonitorEvent.Type.GRADIENT_EXPLOSION, 1, 123.456, 10.0, "x"));
        }
        p.step(s);
      }
    });
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("\rstep 3/3  loss "), text);
    assertTrue(text.contains("\033[K"), "clears the rest of the line");
    assertTrue(text.contains("gradkernel: step 1: GRADIENT_EXPLOSION gradient norm 123.5 > 10\n"),
        text);
    assertTrue(text.endsWith("\n"), "the last step ends the line");
  }

  @Test
  void quietPrintsNothingAndNumbersAreShort() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressLine p = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true,
        false, "");
    p.event(new MonitorEvent(MonitorEvent.Type.SKIPPED_STEP, 4, Double.NaN, Double.NaN,
        "gradient norm NaN"));
    assertEquals(0, bytes.size());
    assertEquals("0.01", ProgressLine.num(0.01));
    assertEquals("1.235e-04", ProgressLine.num(1.2345e-4));
    assertEquals("2", ProgressLine.num(2.0));
    assertEquals("-", ProgressLine.num(Double.NaN));
    assertEquals("3 min 05 s", ProgressLine.duration(185));
    assertEquals("?", ProgressLine.duration(Double.NaN));
    assertEquals("step 4: SKIPPED_STEP gradient norm NaN", ProgressLine.describe(
        new MonitorEvent(MonitorEvent.Type.SKIPPED_STEP, 4, Double.NaN, Double.NaN,
            "gradient norm NaN")));
  }
}
