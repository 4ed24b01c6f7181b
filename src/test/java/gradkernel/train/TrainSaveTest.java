package gradkernel.train;

import static org.junit.jupiter.api.Assertions.*;

import gradkernel.io.Json;
import gradkernel.optim.Snapshot;
import gradkernel.probe.Tensor;
import gradkernel.probe.WeightStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --save}: the file holds the trained model and optimizer state; the probe reads it. */
class TrainSaveTest {
  @TempDir Path dir;

  private static final List<String> RUN = List.of("adding", "--cell", "rnn", "--T", "6", "--steps",
      "5", "--hidden", "6", "--batch", "4", "--test-size", "4", "--quiet");

  @Test
  @SuppressWarnings("unchecked")
  void savedFileHoldsTheTrainedModelAndTheProbeReadsItsWeights() throws Exception {
    TrainCli.Options o = TrainCli.parse(RUN);
    Trainer reference = new Trainer(o.config());
    reference.run();
    Snapshot want = reference.snapshot();
    for (String ext : List.of(".npz", ".safetensors")) {
      Path file = dir.resolve("model" + ext);
      String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("train"),
          java.util.stream.Stream.concat(RUN.stream(), java.util.stream.Stream.of("--save",
              file.toString()))).toArray(String[]::new);
      TrainCliTest.Run r = TrainCliTest.run(args);
      assertEquals(0, r.code(), r.err());

      Snapshot got = Snapshot.load(file);
      assertEquals(want.tensors().keySet(), got.tensors().keySet());
      assertEquals(List.of("0.weight_ih", "0.weight_hh", "0.bias_ih", "0.bias_hh", "1.weight",
          "1.bias"), got.tensors().keySet().stream().limit(6).toList());
      assertTrue(got.tensors().containsKey("optim.exp_avg_sq.1.weight"), got.tensors().keySet().toString());
      assertEquals(List.of(6, 6), got.shapes().get("0.weight_hh"));
      assertEquals(List.of(1, 6), got.shapes().get("1.weight"));
      for (String k : want.tensors().keySet()) { // deterministic training: same bits as in-process
        float[] a = want.tensors().get(k);
        float[] b = got.tensors().get(k);
        for (int i = 0; i < a.length; i++) {
          assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), k + "[" + i + "]");
        }
      }
      assertEquals(Map.of("optimizer", "Adam", "step", "5", "skipped", "0", "task", "adding",
          "cell", "rnn", "hidden", "6", "T", "6"), got.metadata());

      List<String> weights = WeightStack.readFile(file).stream().map(Tensor::name).toList();
      assertEquals(List.of("0.weight_ih", "0.weight_hh", "0.bias_ih", "0.bias_hh", "1.weight",
          "1.bias"), weights, "the probe skips optim.*");
      // .* would also select optim.exp_avg.0.weight_hh if the probe did not skip optimizer state
      TrainCliTest.Run p = TrainCliTest.run("probe", "--weights", file.toString(), "--select",
          ".*weight_hh|1\\.weight|1\\.bias", "--activation", "tanh,identity", "--format", "json");
      assertEquals(0, p.code(), p.err());
      Map<String, Object> net = (Map<String, Object>) ((List<Object>) ((Map<String, Object>)
          Json.parse(p.out())).get("networks")).get(0);
      List<Map<String, Object>> layers = (List<Map<String, Object>>) net.get("layers");
      assertEquals(List.of(6L, 6L), layers.stream().map(l -> l.get("in")).toList());
      assertEquals(List.of(6L, 1L), layers.stream().map(l -> l.get("out")).toList());
    }
  }

  @Test
  void badSaveFileNamesAreUsageErrorsAndUnwritableOnesFailures() throws Exception {
    for (String bad : List.of("m.npy", "m.pt", "")) {
      TrainCliTest.Run r = TrainCliTest.run("train", "adding", "--steps", "1", "--save", bad);
      assertEquals(2, r.code(), bad + ": " + r.err());
      assertTrue(r.err().contains("--save"), r.err());
    }
    Path missing = dir.resolve("no/such/dir/m.npz");
    TrainCliTest.Run r = TrainCliTest.run("train", "adding", "--cell", "rnn", "--T", "4", "--steps",
        "1", "--hidden", "2", "--batch", "2", "--test-size", "2", "--save",
        missing.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("cannot save the parameters to " + missing), r.err());
    assertFalse(r.err().contains("training"), "fails before training: " + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(Files.exists(missing));
  }
}
