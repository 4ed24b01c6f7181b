package gradkernel.spectral;

import static org.junit.jupiter.api.Assertions.*;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.init.Init;
import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrowthBoundsTest {

  @Test
  void thousandScaledOrthogonalLayersDoNotOverflow() {
    Matrix q = Matrix.zeros(16, 16);
    Init.orthogonal(q, 2.0, 1);
    List<Matrix> ws = Collections.nCopies(1000, q);
    List<Activation> gs = Collections.nCopies(1000, Activations.IDENTITY);
    GrowthBounds.Layer[] b = GrowthBounds.chain(ws, gs);
    GrowthBounds.Layer last = b[999];
    // float orthogonality (~1e-7) gives σ within 1e-6 of 2 → 1000 layers within ~1e-3 in log10.
    assertEquals(1000 * Math.log10(2), last.cumulativeLog10Upper(), 1e-3);
    assertEquals(1000 * Math.log10(2), last.cumulativeLog10Lower().getAsDouble(), 1e-3);
    assertTrue(last.cumulativeLog10Lower().getAsDouble() <= last.cumulativeLog10Upper());
  }

  @Test
  void boundsEncloseActualGradientGain() {
    int n = 24;
    int layers = 12;
    List<Matrix> ws = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      Matrix w = Matrix.zeros(n, n);
      Init.heNormal(w, 1.0, Init.Mode.FAN_IN, 100 + l);
      ws.add(w);
    }
    GrowthBounds.Layer[] b =
        GrowthBounds.chain(ws, Collections.nCopies(layers, Activations.IDENTITY));
    Vec v = Vec.zeros(n);
    for (int i = 0; i < n; i++) {
      v.set(i, (float) Math.sin(i + 1.0));
    }
    double start = Blas.nrm2(v);
    for (int l = layers - 1; l >= 0; l--) {
      Vec next = Vec.zeros(n);
      Blas.gemvT(1f, ws.get(l), v, 0f, next);
      v = next;
    }
    double gain = Math.log10(Blas.nrm2(v) / start);
    assertTrue(gain <= b[layers - 1].cumulativeLog10Upper(), gain + " > upper");
    assertTrue(gain >= b[layers - 1].cumulativeLog10Lower().getAsDouble(), gain + " < lower");
  }

  @Test
  void lowerBoundUndefinedWhereNotProvable() {
    Matrix rect = Matrix.zeros(3, 5);
    Init.xavierUniform(rect, 1, 2);
    Matrix sq = Matrix.zeros(4, 4);
    Init.orthogonal(sq, 1, 3);
    GrowthBounds.Layer[] b = GrowthBounds.chain(List.of(sq, rect, sq),
        List.of(Activations.IDENTITY, Activations.IDENTITY, Activations.TANH));
    assertTrue(b[0].log10Lower().isPresent());
    assertTrue(b[1].log10Lower().isEmpty()); // non-square
    assertTrue(b[2].log10Lower().isEmpty()); // inf tanh' over R is 0
    assertTrue(b[2].cumulativeLog10Lower().isEmpty());
    assertEquals(0.0, b[2].log10Upper(), 1e-6); // sup tanh' = 1, σ_max(Q) = 1
  }

  @Test
  void residualLayers() {
    Matrix q = Matrix.zeros(8, 8);
    Init.orthogonal(q, 0.5, 4);
    GrowthBounds.Layer[] b = GrowthBounds.residual(List.of(q), List.of(Activations.TANH));
    assertEquals(Math.log10(1.5), b[0].log10Upper(), 1e-6);
    assertEquals(Math.log10(0.5), b[0].log10Lower().getAsDouble(), 1e-6);
    Matrix big = Matrix.zeros(8, 8);
    Init.orthogonal(big, 2, 4);
    assertTrue(GrowthBounds.residual(List.of(big), List.of(Activations.TANH))[0].log10Lower()
        .isEmpty());
    assertThrows(IllegalArgumentException.class,
        () -> GrowthBounds.residual(List.of(Matrix.zeros(2, 3)), List.of(Activations.TANH)));
    assertThrows(IllegalArgumentException.class,
        () -> GrowthBounds.chain(List.of(q), List.of()));
    assertEquals(100 * Math.log10(1.1), GrowthBounds.recurrentLog10Growth(1.1, 100), 1e-12);
  }

  @Test
  void observedRangeNarrowsTheTanhFactor() {
    // tanh' = 1 − tanh²: over [1, 2] sup is at z = 1, inf at z = 2.
    double t1 = Math.tanh(1);
    double t2 = Math.tanh(2);
    GrowthBounds.Factor f = GrowthBounds.dense(Activations.TANH, 1, 2, 3, 0.5);
    assertEquals(Math.log10((1 - t1 * t1) * 3), f.log10Upper(), 1e-6);
    assertEquals(Math.log10((1 - t2 * t2) * 0.5), f.log10Lower().getAsDouble(), 1e-6);
    GrowthBounds.Factor all = GrowthBounds.dense(Activations.TANH, Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY, 3, Double.NaN);
    assertEquals(Math.log10(3), all.log10Upper(), 1e-12);
    assertTrue(all.log10Lower().isEmpty());
    assertEquals(Math.log10(1.5), GrowthBounds.residual(Activations.TANH, 0.5).log10Upper(), 1e-12);
    assertEquals(Math.log10(0.5), GrowthBounds.residual(Activations.TANH, 0.5).log10Lower()
        .getAsDouble(), 1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> GrowthBounds.dense(Activations.TANH, 2, 1, 1, 1));
  }
}
