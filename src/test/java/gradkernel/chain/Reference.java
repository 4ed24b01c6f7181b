package gradkernel.chain;

import gradkernel.activation.Activation;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Double-precision reference forward pass of a chain, with its parameters flattened in the
 * {@link Gradients} layout, so central differences give reference gradients for inputs and
 * parameters.
 */
final class Reference {
  private Reference() {}

  static double act(Activation g, double z) {
    return switch (g.name()) {
      case "identity" -> z;
      case "tanh" -> Math.tanh(z);
      default -> throw new IllegalArgumentException(g.name());
    };
  }

  /** The chain's parameters as doubles, Gradients layout. */
  static double[] params(Chain c) {
    float[] f = new float[c.parameterCount()];
    c.copyParametersTo(f, 0);
    double[] p = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      p[i] = f[i];
    }
    return p;
  }

  private static int put(Matrix m, double[] p, int off) {
    for (int i = 0; i < m.rows(); i++) {
      for (int j = 0; j < m.cols(); j++) {
        p[off++] = m.get(i, j);
      }
    }
    return off;
  }

  private static int put(Vec v, double[] p, int off) {
    for (int i = 0; i < v.length(); i++) {
      p[off++] = v.get(i);
    }
    return off;
  }

  /** Forward pass in double with parameters p (Gradients layout) starting at pOff. */
  static double[] forward(Chain c, double[] p, int pOff, double[] x) {
    double[] a = x;
    for (int l = 0; l < c.size(); l++) {
      int off = pOff + c.parameterOffset(l);
      Layer layer = c.layer(l);
      a = switch (layer) {
        case Dense d -> dense(p, off, d.outputSize(), d.inputSize(), 0, p, off + d.outputSize()
            * d.inputSize(), a, 0, null, d.activation());
        case Residual r -> {
          double[] f = forward(r.branch(), p, off, a);
          double[] o = a.clone();
          for (int i = 0; i < o.length; i++) {
            o[i] += f[i];
          }
          yield o;
        }
        case Recurrent r -> {
          int n = r.hiddenSize();
          int m = r.stepInputSize();
          double[] h = java.util.Arrays.copyOf(a, n);
          for (int t = 0; t < r.steps(); t++) {
            h = dense(p, off, n, n, m, p, off + n * n + n * m, h, n + t * m, a,
                r.activation(), off + n * n);
          }
          yield h;
        }
        case LayerNorm ln -> {
          int n = ln.inputSize();
          double mean = 0;
          for (double v : a) {
            mean += v;
          }
          mean /= n;
          double var = 0;
          for (double v : a) {
            var += (v - mean) * (v - mean);
          }
          double inv = 1 / Math.sqrt(var / n + ln.eps());
          double[] o = new double[n];
          for (int i = 0; i < n; i++) {
            o[i] = p[off + i] * (a[i] - mean) * inv + p[off + n + i];
          }
          yield o;
        }
        case SequenceLayer s -> SeqRef.output(s, p, off, a, 0, s.capacity(), null, null);
        default -> throw new UnsupportedOperationException("no double reference for "
            + layer.describe());
      };
    }
    return a;
  }

  /** g(W a + b [+ U x]) in double. */
  private static double[] dense(double[] p, int wOff, int out, int in, int m, double[] pb,
      int bOff, double[] a, int xOff, double[] x, Activation g, int... uOff) {
    double[] z = new double[out];
    for (int i = 0; i < out; i++) {
      double s = pb[bOff + i];
      for (int j = 0; j < in; j++) {
        s += p[wOff + i * in + j] * a[j];
      }
      for (int j = 0; j < m; j++) {
        s += p[uOff[0] + i * m + j] * x[xOff + j];
      }
      z[i] = act(g, s);
    }
    return z;
  }

  /** Central-difference gradient of uᵀ f(x) w.r.t. x (h relative to the scale of x). */
  static double[] inputGradient(Chain c, double[] p, double[] x, double[] u, double h) {
    double[] gr = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] xp = x.clone();
      double[] xm = x.clone();
      xp[i] += h;
      xm[i] -= h;
      gr[i] = (dot(u, forward(c, p, 0, xp)) - dot(u, forward(c, p, 0, xm))) / (2 * h);
    }
    return gr;
  }

  /** Central-difference gradient of uᵀ f(x) w.r.t. the parameters. */
  static double[] paramGradient(Chain c, double[] p, double[] x, double[] u, double h) {
    double[] gr = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      double keep = p[i];
      p[i] = keep + h;
      double fp = dot(u, forward(c, p, 0, x));
      p[i] = keep - h;
      double fm = dot(u, forward(c, p, 0, x));
      p[i] = keep;
      gr[i] = (fp - fm) / (2 * h);
    }
    return gr;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double[] toDouble(float[] a, int off, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = a[off + i];
    }
    return d;
  }

  static float[] gaussian(Random rnd, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rnd.nextGaussian() * scale);
    }
    return a;
  }

  static Dense dense(Random rnd, int out, int in, Activation g) {
    return Dense.of(gaussian(rnd, out * in, 1 / Math.sqrt(in)), out, in,
        gaussian(rnd, out, 0.1), g);
  }

  static Recurrent recurrent(Random rnd, int n, int m, int steps, Activation g) {
    return new Recurrent(Matrix.of(gaussian(rnd, n * n, 0.9 / Math.sqrt(n)), n, n),
        Matrix.of(gaussian(rnd, n * m, 1 / Math.sqrt(Math.max(1, m))), n, m),
        Vec.of(gaussian(rnd, n, 0.1)), g, steps);
  }

  /** A random chain mixing dense, residual and recurrent layers, widths ≤ 9. */
  static Chain randomChain(Random rnd, Activation g) {
    List<Layer> layers = new ArrayList<>();
    int w = 3 + rnd.nextInt(6);
    int first = w;
    int depth = 2 + rnd.nextInt(4);
    for (int l = 0; l < depth; l++) {
      int kind = rnd.nextInt(4);
      if (kind == 0) {
        int out = 2 + rnd.nextInt(8);
        layers.add(dense(rnd, out, w, g));
        w = out;
      } else if (kind == 1) {
        layers.add(Residual.of(dense(rnd, 4, w, g), dense(rnd, w, 4, g)));
      } else if (kind == 3) {
        layers.add(new LayerNorm(gradkernel.tensor.Vec.of(gaussian(rnd, w, 1)),
            gradkernel.tensor.Vec.of(gaussian(rnd, w, 0.1)), 1e-5));
      } else {
        int m = 1 + rnd.nextInt(2);
        int steps = 1 + rnd.nextInt(4);
        layers.add(dense(rnd, w, w, g));
        Recurrent r = recurrent(rnd, w, m, steps, g);
        // Recurrent input is [h0; x_1..x_T]: feed it from a dense layer of that width.
        layers.set(layers.size() - 1, dense(rnd, r.inputSize(), w, g));
        layers.add(r);
      }
    }
    assert first > 0;
    return Chain.of(layers);
  }
}
