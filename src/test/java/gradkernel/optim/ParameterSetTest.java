package gradkernel.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.chain.Chain;
import gradkernel.chain.Decay;
import gradkernel.chain.Dense;
import gradkernel.chain.Parameter;
import gradkernel.chain.Tape;
import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ParameterSetTest {

  @Test
  void tensorsViewsAndGradientsShareTheFlatLayout() {
    Chain source = Nets.mixed(1);
    ParameterSet p = ParameterSet.of(source);
    assertEquals(source.parameters(), p.tensors());
    assertEquals(source.parameterCount(), p.size());
    assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "2.weight_hh",
        "2.weight_ih", "2.bias", "3.weight", "3.bias"),
        p.tensors().stream().map(Parameter::name).toList());
    assertEquals(Decay.APPLY, p.tensor("2.weight_hh").decay());
    assertEquals(Decay.EXEMPT, p.tensor("1.weight").decay()); // LayerNorm gain
    // The bound chain's layers view the flat values.
    Matrix w = p.valueMatrix("3.weight");
    assertEquals(5, w.rows());
    assertEquals(12, w.cols());
    p.values()[p.tensor("3.weight").offset() + 13] = 42f;
    assertEquals(42f, ((Dense) p.chain().layer(3)).weight().get(1, 1));
    assertEquals(42f, w.get(1, 1));
    // backward through p.grads() writes p.gradients(); views match Gradients.of(name).
    Chain net = p.chain();
    SplittableRandom r = new SplittableRandom(2);
    Tape tape = net.newTape();
    net.forward(tape, Nets.random(r, 3 * net.inputSize(), 1), 0, 3);
    net.backward(tape, Nets.random(r, 3 * net.outputSize(), 1), 0, p.grads(), null);
    for (Parameter t : p.tensors()) {
      assertArrayEquals(p.grads().of(t.name()).toArray(), p.gradient(t.name()).toArray(),
          t.name());
      assertTrue(p.gradient(t.name()).toArray().length == t.size());
    }
    assertEquals(p.gradient("0.weight").get(8), p.gradientMatrix("0.weight").get(1, 1));
    assertThrows(IllegalArgumentException.class, () -> p.valueMatrix("0.bias"));
    assertThrows(IllegalArgumentException.class, () -> p.value("9.weight"));
    assertThrows(IllegalArgumentException.class, () -> p.state("exp_avg"));
    p.zeroGradients();
    for (float g : p.gradients()) {
      assertEquals(0f, g);
    }
  }

  static void train(Optimizer<?> opt, SplittableRandom r, int steps) {
    NormAccumulator acc = NormAccumulator.l2();
    for (int t = 0; t < steps; t++) {
      Nets.fillGradients(opt.parameters(), r, t % 3 == 0 ? 2 : 0.05, acc);
      if (t == 4) {
        opt.parameters().gradients()[3] = Float.NaN; // one skipped step
        acc.reset().add(Vec.of(opt.parameters().gradients()));
      }
      opt.step(acc, 1.0);
    }
  }

  /** One view per tensor, exactly its slice of gradients(): what Clip and NormAccumulator take. */
  @Test
  void gradientViewsAreTheTensorsSlices() {
    ParameterSet p = ParameterSet.of(Nets.mixed(1));
    Vec[] views = p.gradientViews();
    assertEquals(p.tensors().size(), views.length);
    for (int i = 0; i < views.length; i++) {
      Parameter t = p.tensors().get(i);
      assertEquals(new Vec(p.gradients(), t.offset(), t.size()), views[i]);
      assertEquals(p.gradient(t.name()), views[i]);
    }
    assertNotSame(views, p.gradientViews()); // a fresh array: the caller may keep or change it
    gradkernel.tensor.Checks.disjoint("views", views);
  }

  @Test
  void snapshotRestoreResumesBitForBit() {
    List<Function<ParameterSet, Optimizer<?>>> makers = List.of(
        p -> new AdamW(p, LearningRate.warmup(1e-2, 8, 0.1)).variant(Adam.Variant.AMSGRAD).l1(1e-4),
        p -> new Sgd(p, 0.05).momentum(0.9).variant(Sgd.Variant.NESTEROV),
        p -> new RmsProp(p, 0.01).variant(RmsProp.Variant.CENTERED).momentum(0.2),
        p -> new Adagrad(p, 0.1).initialAccumulatorValue(0.3).lrDecay(0.05));
    for (Function<ParameterSet, Optimizer<?>> make : makers) {
      Optimizer<?> a = make.apply(ParameterSet.of(Nets.mixed(4)));
      SplittableRandom ra = new SplittableRandom(5);
      train(a, ra, 10);
      Snapshot snap = a.snapshot();
      assertEquals("9", snap.metadata().get("step")); // 10 calls, one skipped
      assertEquals("1", snap.metadata().get("skipped"));
      SplittableRandom rb = new SplittableRandom(99);
      SplittableRandom continuation = new SplittableRandom(77);
      train(a, continuation, 10);

      Optimizer<?> b = make.apply(ParameterSet.of(Nets.mixed(4)));
      train(b, rb, 3); // different history, overwritten by restore
      b.restore(snap);
      assertEquals(9, b.steps());
      assertEquals(1, b.skipped());
      train(b, new SplittableRandom(77), 10);
      Nets.assertSameBits(Nets.buffers(a.parameters()), Nets.buffers(b.parameters()),
          a.toString());
      assertEquals(a.steps(), b.steps());
      assertEquals(a.skipped(), b.skipped());
    }
  }

  @Test
  void snapshotKeysShapesAndCopies() {
    ParameterSet p = ParameterSet.of(Nets.mixed(4));
    Adam adam = new Adam(p, 1e-3);
    adam.step();
    Snapshot s = adam.snapshot();
    assertEquals("Adam", s.metadata().get("optimizer"));
    assertEquals(List.of(5, 12), s.shapes().get("3.weight"));
    assertEquals(List.of(5, 12), s.shapes().get("optim.exp_avg_sq.3.weight"));
    assertEquals(3 * p.tensors().size(), s.tensors().size());
    assertArrayEquals(p.stateOf("exp_avg", "0.bias").toArray(),
        s.tensors().get(Snapshot.stateKey("exp_avg", "0.bias")));
    assertNotSame(p.values(), s.tensors().get("0.weight"));
    float before = p.values()[0];
    s.tensors().get("0.weight")[0] += 1; // a copy: the set is unchanged
    assertEquals(before, p.values()[0]);
    assertSame(p, adam.parameters());
  }

  @Test
  void restoreValidatesEverythingBeforeWriting() {
    ParameterSet p = ParameterSet.of(Nets.mixed(4));
    Adam adam = new Adam(p, 1e-3);
    adam.step();
    Snapshot good = adam.snapshot();
    adam.step();
    Map<String, float[]> before = Nets.buffers(p);

    Map<String, float[]> t = new HashMap<>(good.tensors());
    Map<String, List<Integer>> sh = new HashMap<>(good.shapes());
    t.remove("0.bias");
    sh.remove("0.bias");
    Snapshot missing = new Snapshot(t, sh, good.metadata());
    assertThrows(IllegalArgumentException.class, () -> adam.restore(missing));

    Map<String, float[]> t2 = new HashMap<>(good.tensors());
    Map<String, List<Integer>> sh2 = new HashMap<>(good.shapes());
    t2.put("0.bias", new float[13]);
    sh2.put("0.bias", List.of(13));
    assertThrows(IllegalArgumentException.class,
        () -> adam.restore(new Snapshot(t2, sh2, good.metadata())));

    Map<String, float[]> t3 = new HashMap<>(good.tensors());
    Map<String, List<Integer>> sh3 = new HashMap<>(good.shapes());
    t3.put("7.weight", new float[1]);
    sh3.put("7.weight", List.of(1));
    assertThrows(IllegalArgumentException.class,
        () -> adam.restore(new Snapshot(t3, sh3, good.metadata())));

    Map<String, float[]> t4 = new HashMap<>(good.tensors());
    t4.remove(Snapshot.stateKey("exp_avg", "3.bias")); // slot covers 8 of 9 tensors
    assertThrows(IllegalArgumentException.class,
        () -> adam.restore(new Snapshot(t4, good.shapes(), good.metadata())));

    assertThrows(IllegalArgumentException.class, () -> new Sgd(p, 0.1).restore(good));
    assertThrows(IllegalArgumentException.class,
        () -> adam.restore(good.withMetadata(Map.of("step", "-3"))));
    assertThrows(IllegalArgumentException.class,
        () -> adam.variant(Adam.Variant.AMSGRAD).restore(good)); // step 1 without max_exp_avg_sq
    adam.variant(Adam.Variant.STANDARD);
    assertThrows(IllegalArgumentException.class,
        () -> new Snapshot(Map.of("a", new float[2]), Map.of("a", List.of(3)), Map.of()));
    Nets.assertSameBits(before, Nets.buffers(p), "rejected restores");
    assertEquals(2, adam.steps());
    adam.restore(good);
    assertEquals(1, adam.steps());
  }
}
