package gradkernel.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TaskTest {

  /** Symbols of a one-hot sequence as a string over {@code alphabet} (exactly one hot per step). */
  static String symbols(float[] x, int off, int steps, String alphabet) {
    int m = alphabet.length();
    StringBuilder sb = new StringBuilder();
    for (int t = 0; t < steps; t++) {
      int hot = -1;
      for (int c = 0; c < m; c++) {
        float v = x[off + t * m + c];
        assertTrue(v == 0f || v == 1f, "one-hot entries are 0 or 1");
        if (v == 1f) {
          assertEquals(-1, hot, "one symbol per step at t = " + t);
          hot = c;
        }
      }
      assertTrue(hot >= 0, "a symbol at t = " + t);
      sb.append(alphabet.charAt(hot));
    }
    return sb.toString();
  }

  @Test
  void addingSeed1Batch0IsPinned() {
    Task t = Task.of("adding", 10, 4, 1);
    float[] x = new float[20];
    float[] y = new float[1];
    t.trainBatch(0, 1, x, y, null);
    float[] values = {0.6935121f, 0.9717668f, 0.4265688f, 0.8062073f, 0.3590126f, 0.845366f,
        0.8273155f, 0.28729624f, 0.14723939f, 0.046325803f};
    for (int s = 0; s < 10; s++) {
      assertEquals(values[s], x[2 * s], "value at t = " + s);
      assertEquals(s == 1 || s == 6 ? 1f : 0f, x[2 * s + 1], "marker at t = " + s);
    }
    assertEquals(0.9717668f + 0.8273155f, y[0]);
    assertEquals(1.7990823f, y[0]);
    Task mul = Task.of("multiplication", 10, 4, 1);
    float[] x2 = new float[20];
    mul.trainBatch(0, 1, x2, y, null);
    assertArrayEquals(x, x2, "multiplication shares the inputs of adding");
    assertEquals(0.9717668f * 0.8273155f, y[0]);
  }

  @Test
  void addingAndMultiplicationTargetsAreTheMarkedValuesOneMarkerPerHalf() {
    for (String name : new String[] {"adding", "multiplication"}) {
      for (int steps : new int[] {2, 3, 11, 50}) {
        Task t = Task.of(name, steps, 4, 5);
        int b = 16;
        float[] x = new float[b * steps * 2];
        float[] y = new float[b];
        t.trainBatch(7, b, x, y, null);
        for (int r = 0; r < b; r++) {
          int first = -1;
          int second = -1;
          for (int s = 0; s < steps; s++) {
            float v = x[r * steps * 2 + 2 * s];
            assertTrue(v >= 0f && v < 1f, "value in [0, 1)");
            float mk = x[r * steps * 2 + 2 * s + 1];
            if (mk == 1f) {
              if (s < steps / 2) {
                assertEquals(-1, first, "one marker in the first half");
                first = s;
              } else {
                assertEquals(-1, second, "one marker in the second half");
                second = s;
              }
            } else {
              assertEquals(0f, mk);
            }
          }
          assertTrue(first >= 0 && second >= 0, name + " T " + steps + ": two markers");
          float a = x[r * steps * 2 + 2 * first];
          float c = x[r * steps * 2 + 2 * second];
          assertEquals(name.equals("adding") ? a + c : a * c, y[r], name + " target");
        }
      }
    }
  }

  @Test
  void addingTargetsHaveTheExpectedMoments() {
    Task t = Task.of("adding", 20, 4, 3);
    int b = 20_000;
    float[] x = new float[b * 40];
    float[] y = new float[b];
    t.testBatch(0, b, x, y, null);
    double s = 0;
    double ss = 0;
    for (float v : y) {
      s += v;
      ss += (double) v * v;
    }
    double mean = s / b;
    // sum of two U(0,1): mean 1, variance 1/6; 5 standard errors
    assertEquals(1.0, mean, 5 * Math.sqrt(1.0 / 6 / b));
    assertEquals(1.0 / 6, ss / b - mean * mean, 0.01);
  }

  @Test
  void temporalOrderSeed7IsPinnedAndLabelsAreTheXySequence() {
    Task t = Task.of("temporal-order", 20, 4, 7);
    float[] x = new float[160];
    int[] labels = new int[1];
    t.trainBatch(3, 1, x, null, labels);
    assertEquals("BcYbddcdadcdXdabddcE", symbols(x, 0, 20, "abcdBEXY"));
    assertEquals(2, labels[0], "Y then X = binary 10");
    for (int classes : new int[] {4, 8}) {
      int steps = 100;
      Task to = Task.of("temporal-order", steps, classes, 9);
      assertEquals(classes, to.outputSize());
      int b = 64;
      float[] xs = new float[b * steps * 8];
      int[] ls = new int[b];
      to.trainBatch(0, b, xs, null, ls);
      boolean[] seen = new boolean[classes];
      int relevant = classes == 4 ? 2 : 3;
      for (int r = 0; r < b; r++) {
        String seq = symbols(xs, r * steps * 8, steps, "abcdBEXY");
        assertEquals('B', seq.charAt(0));
        assertEquals('E', seq.charAt(steps - 1));
        int label = 0;
        int count = 0;
        for (int s = 1; s < steps - 1; s++) {
          char c = seq.charAt(s);
          assertTrue("abcdXY".indexOf(c) >= 0, "only distractors and X/Y inside");
          if (c == 'X' || c == 'Y') {
            int[] w = ((Task.TemporalOrder) to).window(count);
            assertTrue(s >= w[0] && s <= w[1], "symbol " + count + " at " + s + " in its window");
            label = 2 * label + (c == 'Y' ? 1 : 0);
            count++;
          }
        }
        assertEquals(relevant, count);
        assertEquals(label, ls[r]);
        seen[label] = true;
      }
      for (int c = 0; c < classes; c++) {
        assertTrue(seen[c], "class " + c + " occurs in 64 examples");
      }
    }
  }

  @Test
  void copySeed2IsPinnedAndRecallTargetsAreTheDataSymbols() {
    Task t = Task.of("copy", 25, 4, 2);
    assertTrue(t.perStep());
    float[] x = new float[250];
    int[] labels = new int[25];
    t.trainBatch(0, 1, x, null, labels);
    assertEquals("1653434364000090000000000", symbols(x, 0, 25, "0123456789"));
    int[] expected = new int[25];
    Arrays.fill(expected, Task.IGNORE);
    int[] data = {1, 6, 5, 3, 4, 3, 4, 3, 6, 4};
    System.arraycopy(data, 0, expected, 15, 10);
    assertArrayEquals(expected, labels);
    // short sequences recall fewer symbols: k = (T - 1) / 2
    Task shortCopy = Task.of("copy", 7, 4, 2);
    float[] xs = new float[70];
    int[] ls = new int[7];
    shortCopy.trainBatch(4, 1, xs, null, ls);
    String seq = symbols(xs, 0, 7, "0123456789");
    assertEquals('9', seq.charAt(3));
    for (int j = 0; j < 3; j++) {
      assertEquals(seq.charAt(j) - '0', ls[4 + j]);
      assertTrue(ls[4 + j] >= 1 && ls[4 + j] <= 8);
    }
  }

  @Test
  void batchesAreDeterministicDistinctAndTheTestSetIgnoresChunking() {
    Task a = Task.of("adding", 30, 4, 11);
    Task b = Task.of("adding", 30, 4, 11);
    float[] x1 = new float[8 * 60];
    float[] x2 = new float[8 * 60];
    float[] y1 = new float[8];
    float[] y2 = new float[8];
    a.trainBatch(5, 8, x1, y1, null);
    b.trainBatch(5, 8, x2, y2, null);
    assertArrayEquals(x1, x2);
    assertArrayEquals(y1, y2);
    b.trainBatch(6, 8, x2, y2, null);
    assertFalse(Arrays.equals(x1, x2), "batch 6 differs from batch 5");
    Task.of("adding", 30, 4, 12).trainBatch(5, 8, x2, y2, null);
    assertFalse(Arrays.equals(x1, x2), "another seed gives other data");
    a.testBatch(0, 8, x1, y1, null);
    float[] x3 = new float[4 * 60];
    float[] y3 = new float[4];
    a.testBatch(4, 4, x3, y3, null);
    assertArrayEquals(Arrays.copyOfRange(x1, 4 * 60, 8 * 60), x3,
        "test examples 4.. are the same in chunks");
    assertArrayEquals(Arrays.copyOfRange(y1, 4, 8), y3);
  }

  @Test
  void badArgumentsAreNamedAndNothingIsWritten() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Task.of("sorting", 10, 4, 1));
    assertTrue(e.getMessage().startsWith("name: unknown task 'sorting'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Task.of("temporal-order", 50, 5, 1));
    assertTrue(e.getMessage().startsWith("classes:"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Task.of("copy", 2, 4, 1));
    assertTrue(e.getMessage().startsWith("steps:"), e.getMessage());
    Task t = Task.of("adding", 10, 4, 1);
    float[] x = new float[39];
    Arrays.fill(x, 7f);
    float[] y = {7f, 7f};
    e = assertThrows(IllegalArgumentException.class, () -> t.trainBatch(0, 2, x, y, null));
    assertTrue(e.getMessage().startsWith("x: need 40 entries"), e.getMessage());
    for (float v : x) {
      assertEquals(7f, v);
    }
    assertThrows(NullPointerException.class, () -> t.trainBatch(0, 2, new float[40], null, null));
    assertThrows(IllegalArgumentException.class, () -> t.trainBatch(-1, 2, new float[40], y, null));
  }
}
