package gradkernel.bench;

import java.util.ArrayList;
import java.util.List;

/** The 148 parameter tensors of GPT-2 small (124.4M floats), as PyTorch's model lists them. */
final class Gpt2Shapes {
  private Gpt2Shapes() {}

  /** Element counts in parameter order. */
  static List<Integer> sizes() {
    int d = 768;
    List<Integer> s = new ArrayList<>();
    s.add(50257 * d); // wte
    s.add(1024 * d); // wpe
    for (int layer = 0; layer < 12; layer++) {
      s.add(d); // ln_1.weight
      s.add(d); // ln_1.bias
      s.add(d * 3 * d); // attn.c_attn.weight
      s.add(3 * d); // attn.c_attn.bias
      s.add(d * d); // attn.c_proj.weight
      s.add(d); // attn.c_proj.bias
      s.add(d); // ln_2.weight
      s.add(d); // ln_2.bias
      s.add(d * 4 * d); // mlp.c_fc.weight
      s.add(4 * d); // mlp.c_fc.bias
      s.add(4 * d * d); // mlp.c_proj.weight
      s.add(d); // mlp.c_proj.bias
    }
    s.add(d); // ln_f.weight
    s.add(d); // ln_f.bias
    return s;
  }

  /** Freshly allocated gradients with these shapes, uniform in [-1e-3, 1e-3). */
  static float[][] gradients(long seed) {
    List<Integer> sizes = sizes();
    float[][] g = new float[sizes.size()][];
    for (int i = 0; i < g.length; i++) {
      g[i] = Data.uniform(sizes.get(i), 1e-3, seed + i);
    }
    return g;
  }
}
