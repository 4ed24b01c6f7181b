package gradkernel.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.clip.Clip;
import gradkernel.clip.NonFinite;
import gradkernel.clip.NormAccumulator;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 13's library defects in tensor/: empty copies, size overflow, NPE messages. */
class BadInputTest {

  @Test
  void gemvAndGemvTNameTheMismatchedSide() {
    Matrix a = Matrix.zeros(2, 3);
    String[][] cases = {
        {message(() -> Blas.gemv(1f, a, Vec.zeros(2), 0f, Vec.zeros(2))),
            "gemv: x vs A 2x3 columns"},
        {message(() -> Blas.gemv(1f, a, Vec.zeros(3), 0f, Vec.zeros(3))),
            "gemv: y vs A 2x3 rows"},
        {message(() -> Blas.gemvT(1f, a, Vec.zeros(3), 0f, Vec.zeros(3))),
            "gemvT: x vs A 2x3 rows"},
        {message(() -> Blas.gemvT(1f, a, Vec.zeros(2), 0f, Vec.zeros(2))),
            "gemvT: y vs A 2x3 columns"}};
    for (String[] c : cases) {
      assertTrue(c[0].startsWith(c[1]), c[0]);
    }
  }

  private static String message(org.junit.jupiter.api.function.Executable call) {
    return assertThrows(IllegalArgumentException.class, call).getMessage();
  }

  @Test
  void copyOfMatricesWithNoColumnsOrRows() {
    for (int rows : new int[] {0, 1, 2, 5}) {
      Matrix m = Matrix.zeros(rows, 0).copy();
      assertEquals(rows, m.rows());
      assertEquals(0, m.cols());
      assertEquals(0, m.data().length);
    }
    Matrix strided = new Matrix(new float[3], 1, 3, 0, 1);
    assertEquals("3x0", strided.copy().shape());
    assertEquals(0, Matrix.zeros(0, 4).copy().data().length);
    float[] d = {1, 2, 9, 3, 4, 9};
    assertArrayEquals(new float[] {1, 2, 3, 4}, new Matrix(d, 0, 2, 2, 3).copy().data());
    assertEquals(0, strided.row(2).length());
    assertEquals(0, new Matrix(new float[0], 0, 4, 0, Integer.MAX_VALUE).view(3, 0, 1, 0)
        .cols());
  }

  @Test
  void sizeOverflowIsAnIllegalArgumentNamingTheShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Matrix.zeros(1 << 16, 1 << 16));
    assertTrue(e.getMessage().contains("65536x65536"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Matrix.zeros(-1, 2));
    assertThrows(IllegalArgumentException.class, () -> Matrix.of(new float[4], 1 << 16, 1 << 16));
  }

  @Test
  void vecOfNullNamesTheArgument() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> Vec.of(null));
    assertEquals("data", e.getMessage());
    assertEquals("x", assertThrows(NullPointerException.class,
        () -> Blas.dot(null, Vec.of(new float[1]))).getMessage());
    assertEquals("y", assertThrows(NullPointerException.class,
        () -> Blas.dot(Vec.of(new float[1]), null)).getMessage());
    assertEquals("x", assertThrows(NullPointerException.class, () -> Blas.nrm2(null))
        .getMessage());
  }

  // ---- every public entry point of tensor/ and clip/: a null argument is named ----

  private static Object sample(Class<?> t) {
    if (t == float[].class) {
      return new float[4];
    } else if (t == float[][].class) {
      return new float[][] {new float[4], new float[4]};
    } else if (t == Vec[].class) {
      return new Vec[] {Vec.of(new float[4]), Vec.of(new float[4])};
    } else if (t == double[].class) {
      return new double[4];
    } else if (t == Vec.class) {
      return Vec.of(new float[2]);
    } else if (t == Matrix.class) {
      return Matrix.of(new float[4], 2, 2);
    } else if (t == Transpose.class) {
      return Transpose.NO;
    } else if (t == NonFinite.class) {
      return NonFinite.ZERO;
    } else if (t == Parallelism.class) {
      return Parallelism.SEQUENTIAL;
    } else if (t == NormAccumulator.class) {
      return NormAccumulator.l2();
    } else if (t == String.class) {
      return "arg";
    } else if (t == int.class) {
      return 1;
    } else if (t == long.class) {
      return 1L;
    } else if (t == float.class) {
      return 1f;
    } else if (t == double.class) {
      return 1.0;
    } else if (t == boolean.class) {
      return false;
    }
    throw new AssertionError("no sample for " + t);
  }

  private static Object receiver(Class<?> c) {
    if (c == Vec.class) {
      return Vec.of(new float[2]);
    } else if (c == Matrix.class) {
      return Matrix.of(new float[4], 2, 2);
    } else if (c == NormAccumulator.class) {
      return NormAccumulator.l2();
    }
    return null;
  }

  /** Throwable of one call, or null when it returned normally. */
  private static Throwable call(Executable x, Object[] args) throws ReflectiveOperationException {
    try {
      if (x instanceof Method m) {
        m.invoke(Modifier.isStatic(m.getModifiers()) ? null : receiver(m.getDeclaringClass()),
            args);
      } else {
        ((Constructor<?>) x).newInstance(args);
      }
      return null;
    } catch (InvocationTargetException e) {
      return e.getCause();
    }
  }

  @Test
  void everyNullPointerExceptionNamesTheArgument() throws ReflectiveOperationException {
    List<String> bad = new ArrayList<>();
    int probes = 0;
    for (Class<?> c : new Class<?>[] {Vec.class, Matrix.class, Blas.class, Checks.class,
        Clip.class, NormAccumulator.class}) {
      List<Executable> all = new ArrayList<>(List.of(c.getDeclaredMethods()));
      all.addAll(List.of(c.getDeclaredConstructors()));
      for (Executable x : all) {
        if (!Modifier.isPublic(x.getModifiers()) || x.isSynthetic()
            || x.getName().equals("equals")) {
          continue;
        }
        Class<?>[] types = x.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
          if (types[i].isPrimitive()) {
            continue;
          }
          List<Object> variants = new ArrayList<>();
          variants.add(null);
          if (types[i] == float[][].class) {
            variants.add(new float[][] {new float[4], null});
          }
          if (types[i] == Vec[].class) {
            variants.add(new Vec[] {Vec.of(new float[4]), null});
          }
          for (Object v : variants) {
            Object[] args = new Object[types.length];
            for (int j = 0; j < types.length; j++) {
              args[j] = j == i ? v : sample(types[j]);
            }
            Throwable t = call(x, args);
            probes++;
            if (t instanceof NullPointerException npe) {
              String msg = npe.getMessage();
              if (msg == null || msg.contains("<parameter") || msg.contains("because")
                  || msg.contains("Cannot ")) {
                bad.add(c.getSimpleName() + "." + x.getName() + " arg " + i + ": " + msg);
              }
            } else if (t != null && !(t instanceof IllegalArgumentException)) {
              bad.add(c.getSimpleName() + "." + x.getName() + " arg " + i + ": " + t);
            }
          }
        }
      }
    }
    assertTrue(probes > 60, "probes: " + probes);
    assertTrue(bad.isEmpty(), () -> String.join("\n", bad));
  }
}
