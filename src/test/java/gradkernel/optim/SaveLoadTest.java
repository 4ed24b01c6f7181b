package gradkernel.optim;

import static org.junit.jupiter.api.Assertions.*;

import gradkernel.io.NamedArray;
import gradkernel.io.WeightFormat;
import gradkernel.io.WeightFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveLoadTest {
  @TempDir Path dir;

  private static final List<WeightFormat> FORMATS = List.of(WeightFormat.NPZ, WeightFormat.SAFETENSORS);

  @Test
  void savedOptimizerResumesBitForBitFromEitherFormat() throws Exception {
    List<Function<ParameterSet, Optimizer<?>>> makers = List.of(
        p -> new AdamW(p, LearningRate.warmup(1e-2, 8, 0.1)).variant(Adam.Variant.AMSGRAD).l1(1e-4),
        p -> new Sgd(p, 0.05).momentum(0.9).variant(Sgd.Variant.NESTEROV),
        p -> new RmsProp(p, 0.01).variant(RmsProp.Variant.CENTERED).momentum(0.2));
    for (WeightFormat f : FORMATS) {
      for (Function<ParameterSet, Optimizer<?>> make : makers) {
        Optimizer<?> a = make.apply(ParameterSet.of(Nets.mixed(4)));
        ParameterSetTest.train(a, new SplittableRandom(5), 10);
        Path file = dir.resolve("ckpt" + f.extension());
        a.snapshot().save(file, f);
        ParameterSetTest.train(a, new SplittableRandom(77), 10);

        Optimizer<?> b = make.apply(ParameterSet.of(Nets.mixed(4)));
        ParameterSetTest.train(b, new SplittableRandom(99), 3); // overwritten by the restore
        b.restore(Snapshot.load(file));
        assertEquals(9, b.steps(), f + " " + a);
        assertEquals(1, b.skipped());
        ParameterSetTest.train(b, new SplittableRandom(77), 10);
        Nets.assertSameBits(Nets.buffers(a.parameters()), Nets.buffers(b.parameters()), f + " " + a);
        assertEquals(a.steps(), b.steps());
      }
    }
  }

  @Test
  void parameterSetSaveLoadRoundTripsValuesAndStateUnderTheirNames() throws Exception {
    for (WeightFormat f : FORMATS) {
      ParameterSet p = ParameterSet.of(Nets.mixed(4));
      ParameterSetTest.train(new Adam(p, 1e-2), new SplittableRandom(3), 4);
      Path file = dir.resolve("p" + f.extension());
      p.save(file, f);
      List<String> names = f.read(file).arrays().stream().map(NamedArray::name).toList();
      assertEquals("0.weight", names.get(0));
      assertTrue(names.contains("optim.exp_avg.3.bias"), names.toString());
      assertTrue(names.contains("optim.exp_avg_sq.2.weight_hh"), names.toString());
      assertEquals(9 * 3, names.size()); // 9 tensors: values, exp_avg, exp_avg_sq

      ParameterSet q = ParameterSet.of(Nets.mixed(8));
      q.load(file);
      Map<String, float[]> want = Nets.buffers(p);
      Map<String, float[]> got = Nets.buffers(q);
      want.remove("gradients");
      got.remove("gradients");
      Nets.assertSameBits(want, got, f.toString());
      // the probe's view: optimizer state skipped
      assertEquals(9, f.read(file, n -> !n.startsWith(Snapshot.STATE_PREFIX)).arrays().size());
    }
  }

  @Test
  void loadChecksEveryNameAndShapeBeforeWritingAnything() throws Exception {
    ParameterSet p = ParameterSet.of(Nets.mixed(4));
    ParameterSetTest.train(new Adam(p, 1e-2), new SplittableRandom(3), 2);
    List<NamedArray> good = new ArrayList<>();
    p.snapshot().tensors().forEach((k, v) -> good.add(NamedArray.of(k,
        p.snapshot().shapes().get(k).stream().mapToInt(Integer::intValue).toArray(), v)));
    Map<String, float[]> before = Nets.buffers(p);

    List<NamedArray> wrongShape = new ArrayList<>(good);
    wrongShape.set(0, NamedArray.of("0.weight", new int[] {7, 12}, good.get(0).data()));
    List<NamedArray> unknown = new ArrayList<>(good);
    unknown.add(NamedArray.of("9.weight", new int[] {1}, new float[1]));
    List<NamedArray> missing = new ArrayList<>(good);
    missing.remove(1);
    List<NamedArray> partialSlot = new ArrayList<>(good);
    partialSlot.removeIf(a -> a.name().equals("optim.exp_avg.3.bias"));
    for (WeightFormat f : FORMATS) {
      for (List<NamedArray> bad : List.of(wrongShape, unknown, missing, partialSlot)) {
        Path file = dir.resolve("bad" + f.extension());
        f.write(file, bad, Map.of());
        assertThrows(IllegalArgumentException.class, () -> p.load(file), f + " " + bad.size());
      }
      Path good1 = dir.resolve("good" + f.extension());
      f.write(good1, good, Map.of());
      byte[] bytes = Files.readAllBytes(good1);
      Path truncated = dir.resolve("truncated" + f.extension());
      Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 9));
      assertThrows(WeightFormatException.class, () -> p.load(truncated), f.toString());
    }
    assertThrows(IllegalArgumentException.class, () -> p.load(dir.resolve("p.pt")));
    Nets.assertSameBits(before, Nets.buffers(p), "rejected loads");
  }

  @Test
  void saveIsAtomicAndRefusesNpy() throws Exception {
    ParameterSet p = ParameterSet.of(Nets.mixed(4));
    Path file = dir.resolve("p.npz");
    p.save(file, WeightFormat.NPZ);
    byte[] before = Files.readAllBytes(file);
    assertThrows(IllegalArgumentException.class, () -> p.save(dir.resolve("p.npy"), WeightFormat.NPY));
    Files.createDirectory(dir.resolve("sub"));
    assertThrows(java.io.IOException.class, () -> p.save(dir.resolve("sub"), WeightFormat.NPZ));
    assertThrows(java.io.IOException.class, () -> p.save(dir.resolve("none/p.npz"), WeightFormat.NPZ));
    p.values()[0] += 1;
    p.save(file, WeightFormat.NPZ); // replaces
    assertFalse(Arrays.equals(before, Files.readAllBytes(file)));
    try (var files = Files.list(dir)) {
      assertEquals(List.of("p.npz", "sub"), files.map(x -> x.getFileName().toString()).sorted().toList());
    }
  }
}
