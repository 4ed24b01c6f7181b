package gradkernel.loss;

import static gradkernel.loss.LossReference.m;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gradkernel.tensor.Vec;
import org.junit.jupiter.api.Test;

/**
 * Small cases with the values PyTorch 1.13.0 (Debian python3-torch) printed for
 * torch.nn.functional on the same float32 inputs, in float64 (the expected numbers below; the
 * float32 run is quoted in comments and agrees to float rounding). Our value is a double sum of
 * the float inputs, so it must match the float64 run to 1e-13 relative — plus, for
 * cross-entropy, the stated bound of its float exp-sum: (ln C + 3)·2⁻²⁴ absolute per unit of
 * target mass (see CrossEntropyLoss); gradients are floats and must match to 2^-22·(|g| + scale).
 */
class PyTorchValuesTest {
  private static final float[] X = {1.0f, 2.0f, 0.5f, -1.0f, 0.0f, 3.0f};
  private static final int[] Y = {1, 2};
  private static final float[] P = {0.2f, 0.7f, 0.1f, 0.0f, 0.0f, 1.0f};
  private static final float[] A = {0.5f, -1.5f, 2.0f, 0.25f};
  private static final float[] B = {0.0f, -1.0f, 1.5f, 1.0f};
  private static final float[] Z = {0.3f, -2.0f, 5.0f, -0.7f, 1.5f, 0.0f};
  private static final float[] T = {1.0f, 0.0f, 1.0f, 0.0f, 0.5f, 1.0f};

  /** CrossEntropyLoss's log-sum-exp bound for C = 3 classes, per unit of (scaled) target mass. */
  private static final double LSE3 = (Math.log(3) + 3) * 0x1p-24;

  private static void expect(double value, double[] grad, double scale, double actual,
      float[] actualGrad) {
    expect(value, grad, scale, actual, actualGrad, 0);
  }

  /** mass: Σ over rows of scale·Σ_c t_c (the weight of each row's ln S in the value). */
  private static void expect(double value, double[] grad, double scale, double actual,
      float[] actualGrad, double mass) {
    assertEquals(value, actual, 1e-13 * Math.abs(value) + mass * LSE3, "value");
    for (int i = 0; i < grad.length; i++) {
      assertEquals(grad[i], actualGrad[i], 0x1p-22 * (Math.abs(grad[i]) + scale), "grad " + i);
    }
  }

  @Test
  void crossEntropyIndices() {
    float[] g = new float[6];
    // F.cross_entropy(x, [1, 2]); float32: 0.2651263475418091
    double v = CrossEntropyLoss.of(Reduction.MEAN).apply(m(X, 0, 2, 3), Y, 0, m(g, 0, 2, 3));
    expect(0.265126343932687, new double[] {0.11561194881107452, -0.18573414039411879,
        0.07012219158304424, 0.008573912772760194, 0.023306311288986945, -0.03188022406174712},
        0.5, v, g, 1);
    // reduction='sum', label_smoothing=0.1; float32: 0.8469194173812866
    v = CrossEntropyLoss.of(Reduction.SUM).withLabelSmoothing(0.1)
        .apply(m(X, 0, 2, 3), Y, 0, m(g, 0, 2, 3));
    expect(0.8469193545320408, new double[] {0.1978905642888157, -0.3048016141215709,
        0.10691104983275515, -0.016185507787812945, 0.013279289244640557, 0.002906218543172412},
        1, v, g, 2);
    // targets [1, -100], label_smoothing=0.2, ignore_index=-100; float32: 0.6310354471206665
    v = CrossEntropyLoss.of(Reduction.MEAN).withLabelSmoothing(0.2).withIgnoreIndex(-100)
        .apply(m(X, 0, 2, 3), new int[] {1, -100}, 0, m(g, 0, 2, 3));
    expect(0.6310354507746117, new double[] {0.16455723095548236, -0.23813494745490427,
        0.07357771649942181, 0, 0, 0}, 1, v, g, 1);
  }

  @Test
  void crossEntropyProbabilities() {
    float[] g = new float[6];
    // F.cross_entropy(x, p); float32: 0.44012635946273804
    double v = CrossEntropyLoss.of(Reduction.MEAN).applyProbabilities(m(X, 0, 2, 3), m(P, 0, 2,
        3), m(g, 0, 2, 3));
    expect(0.44012634481048174, new double[] {0.015611946459582257, -0.03573413677511742,
        0.020122190315535138, 0.008573912772760194, 0.023306311288986945, -0.03188022406174712},
        0.5, v, g, 1);
    // label_smoothing=0.1; float32: 0.5809597373008728
    v = CrossEntropyLoss.of(Reduction.MEAN).withLabelSmoothing(0.1)
        .applyProbabilities(m(X, 0, 2, 3), m(P, 0, 2, 3), m(g, 0, 2, 3));
    expect(0.5809596780560355, new double[] {0.00894528002806482, -0.017400803803684212,
        0.008455523775619379, -0.008092753893906473, 0.006639644622320279, 0.001453109271586206},
        0.5, v, g, 1);
  }

  @Test
  void mseAndHuber() {
    float[] g = new float[4];
    expect(0.328125, new double[] {0.25, -0.25, 0.25, -0.375}, 0.25,
        MseLoss.of(Reduction.MEAN).apply(m(A, 0, 2, 2), m(B, 0, 2, 2), m(g, 0, 2, 2)), g);
    expect(1.3125, new double[] {1.0, -1.0, 1.0, -1.5}, 1,
        MseLoss.of(Reduction.SUM).apply(m(A, 0, 2, 2), m(B, 0, 2, 2), m(g, 0, 2, 2)), g);
    expect(0.1640625, new double[] {0.125, -0.125, 0.125, -0.1875}, 0.25,
        HuberLoss.of(1.0, Reduction.MEAN).apply(m(A, 0, 2, 2), m(B, 0, 2, 2), m(g, 0, 2, 2)), g);
    expect(0.625, new double[] {0.5, -0.5, 0.5, -0.5}, 1,
        HuberLoss.of(0.5, Reduction.SUM).apply(m(A, 0, 2, 2), m(B, 0, 2, 2), m(g, 0, 2, 2)), g);
  }

  @Test
  void bceWithLogits() {
    float[] g = new float[6];
    // float32: 0.4559575319290161
    expect(0.45595751838520715, new double[] {-0.07092624671236182, 0.019867153670352924,
        -0.0011154751540474555, 0.05530203841247622, 0.05292907936560728, -0.08333333333333333},
        1.0 / 6, BceWithLogitsLoss.of(Reduction.MEAN).apply(m(Z, 0, 2, 3), m(T, 0, 2, 3), m(g, 0,
            2, 3)), g);
    // reduction='sum', pos_weight=[2.0, 0.5, 1.0]; float32: 3.2397470474243164
    expect(3.239747030211041, new double[] {-0.8511149605483419, 0.11920292202211755,
        -0.006692850924284732, 0.3318122304748573, 0.36318085714523274, -0.5}, 2,
        BceWithLogitsLoss.of(Reduction.SUM).withPosWeight(Vec.of(new float[] {2, 0.5f, 1}))
            .apply(m(Z, 0, 2, 3), m(T, 0, 2, 3), m(g, 0, 2, 3)), g);
  }

  @Test
  void hugeLogitsStayFiniteWherePyTorchFloat32Overflows() {
    float[] h = {3e38f, -3e38f, 0f, 1e30f, -1e30f, 5f};
    float[] g = new float[6];
    // float32 PyTorch returns inf for both; float64 gives these, and so do we
    expect(3.0000000054977558e+38, new double[] {0.5, -0.5, 0, 0, 0, 0}, 0.5,
        CrossEntropyLoss.of(Reduction.MEAN).apply(m(h, 0, 2, 3), new int[] {1, 0}, 0, m(g, 0, 2,
            3)), g);
    expect(1.0000000030825853e+38, new double[] {0.16666666666666666, -0.16666666666666666, 0,
        0.125, 0, -0.0011154751540474555}, 1.0 / 6,
        BceWithLogitsLoss.of(Reduction.MEAN).apply(m(h, 0, 2, 3), m(new float[] {0f, 1f, 0.5f,
            0.25f, 0f, 1f}, 0, 2, 3), m(g, 0, 2, 3)), g);
  }
}
