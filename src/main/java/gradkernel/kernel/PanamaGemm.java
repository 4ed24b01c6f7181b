package gradkernel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked, register-tiled C = α·op(A)·op(B) + β·C in the Goto/BLIS scheme: a KC×NC panel of
 * op(B) is packed into NR-wide column strips, an MC×KC block of α·op(A) into MR-tall row strips,
 * and a micro-kernel keeps an MR×NR tile of C in 2·MR vector registers: one broadcast of A and
 * two loads of B per two FMAs. Packing absorbs the transposes, so one micro-kernel serves all
 * cases.
 *
 * <p>Every element of C goes through the same operations in the same order wherever its tile lies
 * (edge tiles run the full kernel, or the 8-row one for up to 8 rows of a 12-row tile, on a
 * padded copy of their part of C, or straight on C for a whole 8×NR tile), so any split of C into
 * column blocks or MR-row strips (see {@link ParallelGemm}) gives bit-identical results. Pack
 * buffers are per thread and allocated once, so repeated calls allocate nothing.
 */
final class PanamaGemm {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /**
   * Rows of the register tile: 12 where vectors are 512 bits wide (AVX-512: 32 registers hold a
   * 12×NR tile), 6 below (AVX2 and NEON-sized machines, 16 registers, would spill 24 accumulators).
   * Measured at 1024³ on AVX-512: 6 rows reach 52 % of the peak-FMA loop, 12 rows 62–65 %; 14
   * rows spill. The tile never changes results: each element of C is the same FMA chain over p.
   */
  static final int MR = L >= 16 ? 12 : 6;
  static final int NR = 2 * L;
  static final int KC = 256;
  static final int MC = 192;
  static final int NC = 1024;
  /** Steps per block when packing a transposed B: 16 floats, one 64-byte cache line per row. */
  private static final int PB = 16;
  /**
   * Whether full 16×16 blocks of a transposed B, and full strips of α·A in 16-step blocks, are
   * packed by {@link #transpose16}, and full strips of α·Aᵀ by one masked load per step: only
   * where a vector holds 16 floats (AVX-512); the scalar walks pack everywhere else.
   */
  private static final boolean VECTOR_TRANSPOSE = L == PB;
  /** The first MR lanes: one packed step of α·Aᵀ. */
  private static final VectorMask<Float> A_STEP = F.indexInRange(0, MR);

  /** Per-thread pack buffers: B panel KC×NC, A block MC×KC, one MR×NR edge tile. */
  private static final class Buffers {
    final float[] b = new float[KC * NC];
    final float[] a = new float[MC * KC + PB]; // + slack for transpose16's overlapping stores
    final float[] tile = new float[MR * NR];
    /** α times MR rows of 16 steps of A, rows MR..15 kept at zero: transpose16's source block. */
    final float[] block = new float[PB * PB];
  }

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private PanamaGemm() {}

  static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
      int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    gemm(null, 0, 1, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff,
        ldc);
  }

  /**
   * Member {@code member} of {@code size} threads computing one gemm together ({@code team} null
   * and size 1: the whole gemm alone). The member owns the rows of C in MR-row strips
   * [S·member/size, S·(member+1)/size) of the S strips, scales and computes only those, and packs
   * its share of NR-wide strips of each B panel into the team's panel, which every member then
   * reads after the team's barrier: B is packed once, not once per thread, and each member packs
   * only its own rows of A. Each element of C gets the single-thread operations in the same order.
   */
  static void gemm(GemmTeam team, int member, int size, boolean transA, boolean transB, int m, int n,
      int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    int i0 = share(m, MR, member, size);
    int i1 = share(m, MR, member + 1, size);
    // β = 0 with work to do: the first KC step starts its accumulators at +0 instead of reading
    // a C zeroed beforehand (the same sums, bit for bit; one pass over C less, and C is not read).
    boolean fresh = beta == 0f && k > 0 && alpha != 0f;
    if (!fresh) {
      for (int i = i0; i < i1; i++) {
        ScalarKernels.scaleOrZero(n, beta, c, cOff + i * ldc);
      }
    }
    if (k == 0 || alpha == 0f) {
      return;
    }
    Buffers buf = BUFFERS.get();
    int phase = 0;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      int j0 = share(nc, NR, member, size);
      int j1 = share(nc, NR, member + 1, size);
      for (int pc = 0; pc < k; pc += KC, phase++) {
        int kc = Math.min(KC, k - pc);
        // Two panels in turn: a member packing the next panel cannot overwrite the one another
        // member still reads, since it passed the barrier only after all had packed this one.
        float[] panel = team == null ? buf.b : team.panel(phase);
        packB(transB, b, bOff, ldb, pc, kc, jc + j0, j1 - j0, panel, j0 * kc);
        if (team != null) {
          team.await(size);
        }
        for (int ic = i0; ic < i1; ic += MC) {
          int mc = Math.min(MC, i1 - ic);
          packA(transA, alpha, a, aOff, lda, ic, mc, pc, kc, buf.a, buf.block);
          block(mc, nc, kc, buf, panel, c, cOff + ic * ldc + jc, ldc, fresh && pc == 0);
        }
      }
    }
  }

  /**
   * Where member {@code member} of {@code size} starts in a length cut into strips of {@code w}
   * (the last one partial): strips split as evenly as whole strips allow, member {@code size}
   * ending at the length.
   */
  private static int share(int length, int w, int member, int size) {
    return Math.min(length, (length + w - 1) / w * member / size * w);
  }

  private static void block(int mc, int nc, int kc, Buffers buf, float[] panel, float[] c,
      int cOff, int ldc, boolean fresh) {
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      int bp = jr * kc;
      for (int ir = 0; ir < mc; ir += MR) {
        int mr = Math.min(MR, mc - ir);
        int ap = ir * kc;
        int at = cOff + ir * ldc + jr;
        // Eight rows or fewer on the 12-row tile (a batch of 32 is 12 + 12 + 8) take the 8-row
        // kernel: the 12-row one would spend a third of its FMAs on padding.
        boolean eight = MR == 12 && mr <= 8;
        if (mr == MR && nr == NR) {
          micro(kc, buf.a, ap, panel, bp, c, at, ldc, fresh);
        } else if (eight && mr == 8 && nr == NR) {
          micro8(kc, buf.a, ap, panel, bp, c, at, ldc, fresh);
        } else {
          float[] t = buf.tile;
          if (!fresh) {
            for (int r = 0; r < mr; r++) {
              System.arraycopy(c, at + r * ldc, t, r * NR, nr);
            }
          }
          if (eight) {
            micro8(kc, buf.a, ap, panel, bp, t, 0, NR, fresh);
          } else {
            micro(kc, buf.a, ap, panel, bp, t, 0, NR, fresh);
          }
          for (int r = 0; r < mr; r++) {
            System.arraycopy(t, r * NR, c, at + r * ldc, nr);
          }
        }
      }
    }
  }

  /**
   * C[6×NR] += Σ_p a[p]·b[p] over kc packed steps (C taken as +0 when fresh). The accumulators
   * start from C itself and go straight back: adding a separately accumulated tile through a
   * helper measured 3x slower. {@link #micro12} is this kernel with twelve rows for 32-register
   * machines; the two stay separate because a 16-register machine would spill micro12's tile.
   */
  private static void micro6(int kc, float[] a, int ap, float[] b, int bp, float[] c, int cOff,
      int ldc, boolean fresh) {
    int o0 = cOff, o1 = cOff + ldc, o2 = cOff + 2 * ldc, o3 = cOff + 3 * ldc, o4 = cOff + 4 * ldc, o5 = cOff + 5 * ldc;
    FloatVector c00 = start(c, o0, fresh);
    FloatVector c01 = start(c, o0 + L, fresh);
    FloatVector c10 = start(c, o1, fresh);
    FloatVector c11 = start(c, o1 + L, fresh);
    FloatVector c20 = start(c, o2, fresh);
    FloatVector c21 = start(c, o2 + L, fresh);
    FloatVector c30 = start(c, o3, fresh);
    FloatVector c31 = start(c, o3 + L, fresh);
    FloatVector c40 = start(c, o4, fresh);
    FloatVector c41 = start(c, o4 + L, fresh);
    FloatVector c50 = start(c, o5, fresh);
    FloatVector c51 = start(c, o5 + L, fresh);
    // The six row pairs below repeat by hand on purpose: twelve named accumulators stay in
    // registers, a loop over an array of vectors would not (C2 does not keep it in registers).
    // Indices linear in p let C2 hoist the range checks out of the loop.
    for (int p = 0; p < kc; p++) {
      int bi = bp + p * NR;
      int ai = ap + p * 6;
      FloatVector b0 = FloatVector.fromArray(F, b, bi);
      FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
      FloatVector x = FloatVector.broadcast(F, a[ai + 0]);
      c00 = b0.fma(x, c00);
      c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(F, a[ai + 1]);
      c10 = b0.fma(x, c10);
      c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(F, a[ai + 2]);
      c20 = b0.fma(x, c20);
      c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(F, a[ai + 3]);
      c30 = b0.fma(x, c30);
      c31 = b1.fma(x, c31);
      x = FloatVector.broadcast(F, a[ai + 4]);
      c40 = b0.fma(x, c40);
      c41 = b1.fma(x, c41);
      x = FloatVector.broadcast(F, a[ai + 5]);
      c50 = b0.fma(x, c50);
      c51 = b1.fma(x, c51);
    }
    // Unrolled like the loads and the fma block above, for the same reason.
    c00.intoArray(c, o0);
    c01.intoArray(c, o0 + L);
    c10.intoArray(c, o1);
    c11.intoArray(c, o1 + L);
    c20.intoArray(c, o2);
    c21.intoArray(c, o2 + L);
    c30.intoArray(c, o3);
    c31.intoArray(c, o3 + L);
    c40.intoArray(c, o4);
    c41.intoArray(c, o4 + L);
    c50.intoArray(c, o5);
    c51.intoArray(c, o5 + L);
  }

  /**
   * C[12×NR] += Σ_p a[p]·b[p], as {@link #micro6} with twelve rows: 24 accumulators, two B vectors
   * and a broadcast fit AVX-512's 32 registers, and a step needs 14 loads per 24 FMAs instead of
   * 8 per 12. Written out by hand like micro6, for the same reason.
   */
  private static void micro12(int kc, float[] a, int ap, float[] b, int bp, float[] c, int cOff,
      int ldc, boolean fresh) {
    int o0 = cOff + 0 * ldc;
    int o1 = cOff + 1 * ldc;
    int o2 = cOff + 2 * ldc;
    int o3 = cOff + 3 * ldc;
    int o4 = cOff + 4 * ldc;
    int o5 = cOff + 5 * ldc;
    int o6 = cOff + 6 * ldc;
    int o7 = cOff + 7 * ldc;
    int o8 = cOff + 8 * ldc;
    int o9 = cOff + 9 * ldc;
    int o10 = cOff + 10 * ldc;
    int o11 = cOff + 11 * ldc;
    FloatVector c00 = start(c, o0, fresh);
    FloatVector c01 = start(c, o0 + L, fresh);
    FloatVector c10 = start(c, o1, fresh);
    FloatVector c11 = start(c, o1 + L, fresh);
    FloatVector c20 = start(c, o2, fresh);
    FloatVector c21 = start(c, o2 + L, fresh);
    FloatVector c30 = start(c, o3, fresh);
    FloatVector c31 = start(c, o3 + L, fresh);
    FloatVector c40 = start(c, o4, fresh);
    FloatVector c41 = start(c, o4 + L, fresh);
    FloatVector c50 = start(c, o5, fresh);
    FloatVector c51 = start(c, o5 + L, fresh);
    FloatVector c60 = start(c, o6, fresh);
    FloatVector c61 = start(c, o6 + L, fresh);
    FloatVector c70 = start(c, o7, fresh);
    FloatVector c71 = start(c, o7 + L, fresh);
    FloatVector c80 = start(c, o8, fresh);
    FloatVector c81 = start(c, o8 + L, fresh);
    FloatVector c90 = start(c, o9, fresh);
    FloatVector c91 = start(c, o9 + L, fresh);
    FloatVector c100 = start(c, o10, fresh);
    FloatVector c101 = start(c, o10 + L, fresh);
    FloatVector c110 = start(c, o11, fresh);
    FloatVector c111 = start(c, o11 + L, fresh);
    for (int p = 0; p < kc; p++) {
      int bi = bp + p * NR;
      int ai = ap + p * 12;
      FloatVector b0 = FloatVector.fromArray(F, b, bi);
      FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
      FloatVector x = FloatVector.broadcast(F, a[ai + 0]);
      c00 = b0.fma(x, c00);
      c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(F, a[ai + 1]);
      c10 = b0.fma(x, c10);
      c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(F, a[ai + 2]);
      c20 = b0.fma(x, c20);
      c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(F, a[ai + 3]);
      c30 = b0.fma(x, c30);
      c31 = b1.fma(x, c31);
      x = FloatVector.broadcast(F, a[ai + 4]);
      c40 = b0.fma(x, c40);
      c41 = b1.fma(x, c41);
      x = FloatVector.broadcast(F, a[ai + 5]);
      c50 = b0.fma(x, c50);
      c51 = b1.fma(x, c51);
      x = FloatVector.broadcast(F, a[ai + 6]);
      c60 = b0.fma(x, c60);
      c61 = b1.fma(x, c61);
      x = FloatVector.broadcast(F, a[ai + 7]);
      c70 = b0.fma(x, c70);
      c71 = b1.fma(x, c71);
      x = FloatVector.broadcast(F, a[ai + 8]);
      c80 = b0.fma(x, c80);
      c81 = b1.fma(x, c81);
      x = FloatVector.broadcast(F, a[ai + 9]);
      c90 = b0.fma(x, c90);
      c91 = b1.fma(x, c91);
      x = FloatVector.broadcast(F, a[ai + 10]);
      c100 = b0.fma(x, c100);
      c101 = b1.fma(x, c101);
      x = FloatVector.broadcast(F, a[ai + 11]);
      c110 = b0.fma(x, c110);
      c111 = b1.fma(x, c111);
    }
    c00.intoArray(c, o0);
    c01.intoArray(c, o0 + L);
    c10.intoArray(c, o1);
    c11.intoArray(c, o1 + L);
    c20.intoArray(c, o2);
    c21.intoArray(c, o2 + L);
    c30.intoArray(c, o3);
    c31.intoArray(c, o3 + L);
    c40.intoArray(c, o4);
    c41.intoArray(c, o4 + L);
    c50.intoArray(c, o5);
    c51.intoArray(c, o5 + L);
    c60.intoArray(c, o6);
    c61.intoArray(c, o6 + L);
    c70.intoArray(c, o7);
    c71.intoArray(c, o7 + L);
    c80.intoArray(c, o8);
    c81.intoArray(c, o8 + L);
    c90.intoArray(c, o9);
    c91.intoArray(c, o9 + L);
    c100.intoArray(c, o10);
    c101.intoArray(c, o10 + L);
    c110.intoArray(c, o11);
    c111.intoArray(c, o11 + L);
  }

  /**
   * C[8×NR] += Σ_p a[p]·b[p] on the twelve-row packing (A steps MR apart, rows 8..11 unread): the
   * edge kernel of {@link #micro12} for 8 rows or fewer, 16 accumulators. Written out by hand like
   * micro12, for the same reason.
   */
  private static void micro8(int kc, float[] a, int ap, float[] b, int bp, float[] c, int cOff,
      int ldc, boolean fresh) {
    int o0 = cOff + 0 * ldc;
    int o1 = cOff + 1 * ldc;
    int o2 = cOff + 2 * ldc;
    int o3 = cOff + 3 * ldc;
    int o4 = cOff + 4 * ldc;
    int o5 = cOff + 5 * ldc;
    int o6 = cOff + 6 * ldc;
    int o7 = cOff + 7 * ldc;
    FloatVector c00 = start(c, o0, fresh);
    FloatVector c01 = start(c, o0 + L, fresh);
    FloatVector c10 = start(c, o1, fresh);
    FloatVector c11 = start(c, o1 + L, fresh);
    FloatVector c20 = start(c, o2, fresh);
    FloatVector c21 = start(c, o2 + L, fresh);
    FloatVector c30 = start(c, o3, fresh);
    FloatVector c31 = start(c, o3 + L, fresh);
    FloatVector c40 = start(c, o4, fresh);
    FloatVector c41 = start(c, o4 + L, fresh);
    FloatVector c50 = start(c, o5, fresh);
    FloatVector c51 = start(c, o5 + L, fresh);
    FloatVector c60 = start(c, o6, fresh);
    FloatVector c61 = start(c, o6 + L, fresh);
    FloatVector c70 = start(c, o7, fresh);
    FloatVector c71 = start(c, o7 + L, fresh);
    for (int p = 0; p < kc; p++) {
      int bi = bp + p * NR;
      int ai = ap + p * MR;
      FloatVector b0 = FloatVector.fromArray(F, b, bi);
      FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
      FloatVector x = FloatVector.broadcast(F, a[ai + 0]);
      c00 = b0.fma(x, c00);
      c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(F, a[ai + 1]);
      c10 = b0.fma(x, c10);
      c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(F, a[ai + 2]);
      c20 = b0.fma(x, c20);
      c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(F, a[ai + 3]);
      c30 = b0.fma(x, c30);
      c31 = b1.fma(x, c31);
      x = FloatVector.broadcast(F, a[ai + 4]);
      c40 = b0.fma(x, c40);
      c41 = b1.fma(x, c41);
      x = FloatVector.broadcast(F, a[ai + 5]);
      c50 = b0.fma(x, c50);
      c51 = b1.fma(x, c51);
      x = FloatVector.broadcast(F, a[ai + 6]);
      c60 = b0.fma(x, c60);
      c61 = b1.fma(x, c61);
      x = FloatVector.broadcast(F, a[ai + 7]);
      c70 = b0.fma(x, c70);
      c71 = b1.fma(x, c71);
    }
    c00.intoArray(c, o0);
    c01.intoArray(c, o0 + L);
    c10.intoArray(c, o1);
    c11.intoArray(c, o1 + L);
    c20.intoArray(c, o2);
    c21.intoArray(c, o2 + L);
    c30.intoArray(c, o3);
    c31.intoArray(c, o3 + L);
    c40.intoArray(c, o4);
    c41.intoArray(c, o4 + L);
    c50.intoArray(c, o5);
    c51.intoArray(c, o5 + L);
    c60.intoArray(c, o6);
    c61.intoArray(c, o6 + L);
    c70.intoArray(c, o7);
    c71.intoArray(c, o7 + L);
  }

  /** The register tile for this machine's width (MR is a constant, so C2 keeps one branch). */
  private static void micro(int kc, float[] a, int ap, float[] b, int bp, float[] c, int cOff,
      int ldc, boolean fresh) {
    if (MR == 12) {
      micro12(kc, a, ap, b, bp, c, cOff, ldc, fresh);
    } else {
      micro6(kc, a, ap, b, bp, c, cOff, ldc, fresh);
    }
  }

  /** A row of the C tile as the accumulator's start: C itself, or +0 for a fresh β = 0 tile. */
  private static FloatVector start(float[] c, int off, boolean fresh) {
    return fresh ? FloatVector.zero(F) : FloatVector.fromArray(F, c, off);
  }

  /**
   * op(B)[pc:pc+kc, jc:jc+nc] into NR-wide strips from dst[dOff], p-major inside a strip,
   * zero-padded.
   */
  private static void packB(boolean trans, float[] b, int bOff, int ldb, int pc, int kc, int jc,
      int nc, float[] dst, int dOff) {
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      int base = dOff + jr * kc;
      int j0 = jc + jr;
      if (!trans && nr == NR) {
        // A plain copy: a vector load/store pair here was boxed (a float[] per vector) by C2 on
        // 256-bit machines, where the half-width species elsewhere pollutes intoArray's profile.
        for (int p = 0; p < kc; p++) {
          System.arraycopy(b, bOff + (pc + p) * ldb + j0, dst, base + p * NR, NR);
        }
      } else if (trans) {
        // Row j0+q of B is column q of the strip. Blocks of PB steps consume one cache line of
        // each of the nr rows before moving on: rows ldb apart share L1 sets when ldb is a power
        // of two, so walking all nr rows per step (the old order) missed on nearly every load.
        for (int p0 = 0; p0 < kc; p0 += PB) {
          int p1 = Math.min(kc, p0 + PB);
          if (VECTOR_TRANSPOSE && nr == NR && p1 - p0 == PB) {
            for (int q0 = 0; q0 < NR; q0 += PB) {
              transpose16(b, bOff + (j0 + q0) * ldb + pc + p0, ldb, dst, base + p0 * NR + q0, NR);
            }
            continue;
          }
          for (int q = 0; q < NR; q++) {
            int src = bOff + (j0 + q) * ldb + pc;
            for (int p = p0; p < p1; p++) {
              dst[base + p * NR + q] = q < nr ? b[src + p] : 0f;
            }
          }
        }
      } else {
        for (int p = 0; p < kc; p++) {
          int d = base + p * NR;
          int src = bOff + (pc + p) * ldb + j0;
          for (int q = 0; q < nr; q++) {
            dst[d + q] = b[src + q];
          }
          for (int q = nr; q < NR; q++) {
            dst[d + q] = 0f;
          }
        }
      }
    }
  }

  /**
   * Two-vector permutation indices for {@link #transpose16}, 2·L floats per level s = 8, 4, 2, 1
   * (at offset 2·L·log₂ s): first LOW, where the first row of a pair keeps its lanes with bit s
   * clear and takes its partner's lanes shifted down by s, then HIGH, the reverse for the second
   * row; after the four levels row i holds column i. Values index the two rows' concatenation.
   * A float[] rather than FloatVector constants: a vector loaded from an array of vectors has no
   * exact type for C2, which then may call selectFrom virtually and box every operand.
   */
  private static final float[] PERMUTE = new float[8 * L];

  static {
    for (int level = 0; level < 4; level++) {
      int s = 1 << level;
      for (int lane = 0; lane < L; lane++) {
        boolean set = (lane & s) != 0;
        PERMUTE[2 * L * level + lane] = set ? L + lane - s : lane;
        PERMUTE[2 * L * level + L + lane] = set ? L + lane : lane + s;
      }
    }
  }

  /**
   * dst[d + j·ldd + i] = src[so + i·lds + j] for a 16×16 block (16 float lanes only): sixteen row
   * loads, four levels of sixteen two-vector permutes, sixteen row stores, where the scalar walk
   * costs a load and a store per element. Pure data movement, so the packed values are the same
   * bits. The stores go in ascending j and each writes 16 floats: with ldd < 16 a store overwrites
   * the previous one's lanes past ldd, and the last writes 16 − ldd floats past the block.
   * Straight-line on purpose, without helpers or branches: sixteen named vectors stay in registers
   * (an array of vectors is boxed), and an earlier form (permutations from a FloatVector[], see
   * {@link #PERMUTE}, and a helper per row) ran boxed in long test JVMs.
   */
  private static void transpose16(float[] src, int so, int lds, float[] dst, int d, int ldd) {
    FloatVector r0 = FloatVector.fromArray(F, src, so + 0 * lds);
    FloatVector r1 = FloatVector.fromArray(F, src, so + 1 * lds);
    FloatVector r2 = FloatVector.fromArray(F, src, so + 2 * lds);
    FloatVector r3 = FloatVector.fromArray(F, src, so + 3 * lds);
    FloatVector r4 = FloatVector.fromArray(F, src, so + 4 * lds);
    FloatVector r5 = FloatVector.fromArray(F, src, so + 5 * lds);
    FloatVector r6 = FloatVector.fromArray(F, src, so + 6 * lds);
    FloatVector r7 = FloatVector.fromArray(F, src, so + 7 * lds);
    FloatVector r8 = FloatVector.fromArray(F, src, so + 8 * lds);
    FloatVector r9 = FloatVector.fromArray(F, src, so + 9 * lds);
    FloatVector r10 = FloatVector.fromArray(F, src, so + 10 * lds);
    FloatVector r11 = FloatVector.fromArray(F, src, so + 11 * lds);
    FloatVector r12 = FloatVector.fromArray(F, src, so + 12 * lds);
    FloatVector r13 = FloatVector.fromArray(F, src, so + 13 * lds);
    FloatVector r14 = FloatVector.fromArray(F, src, so + 14 * lds);
    FloatVector r15 = FloatVector.fromArray(F, src, so + 15 * lds);
    FloatVector lo3 = FloatVector.fromArray(F, PERMUTE, 6 * L);
    FloatVector hi3 = FloatVector.fromArray(F, PERMUTE, 7 * L);
    FloatVector s3_0 = lo3.selectFrom(r0, r8);
    FloatVector s3_8 = hi3.selectFrom(r0, r8);
    FloatVector s3_1 = lo3.selectFrom(r1, r9);
    FloatVector s3_9 = hi3.selectFrom(r1, r9);
    FloatVector s3_2 = lo3.selectFrom(r2, r10);
    FloatVector s3_10 = hi3.selectFrom(r2, r10);
    FloatVector s3_3 = lo3.selectFrom(r3, r11);
    FloatVector s3_11 = hi3.selectFrom(r3, r11);
    FloatVector s3_4 = lo3.selectFrom(r4, r12);
    FloatVector s3_12 = hi3.selectFrom(r4, r12);
    FloatVector s3_5 = lo3.selectFrom(r5, r13);
    FloatVector s3_13 = hi3.selectFrom(r5, r13);
    FloatVector s3_6 = lo3.selectFrom(r6, r14);
    FloatVector s3_14 = hi3.selectFrom(r6, r14);
    FloatVector s3_7 = lo3.selectFrom(r7, r15);
    FloatVector s3_15 = hi3.selectFrom(r7, r15);
    FloatVector lo2 = FloatVector.fromArray(F, PERMUTE, 4 * L);
    FloatVector hi2 = FloatVector.fromArray(F, PERMUTE, 5 * L);
    FloatVector s2_0 = lo2.selectFrom(s3_0, s3_4);
    FloatVector s2_4 = hi2.selectFrom(s3_0, s3_4);
    FloatVector s2_1 = lo2.selectFrom(s3_1, s3_5);
    FloatVector s2_5 = hi2.selectFrom(s3_1, s3_5);
    FloatVector s2_2 = lo2.selectFrom(s3_2, s3_6);
    FloatVector s2_6 = hi2.selectFrom(s3_2, s3_6);
    FloatVector s2_3 = lo2.selectFrom(s3_3, s3_7);
    FloatVector s2_7 = hi2.selectFrom(s3_3, s3_7);
    FloatVector s2_8 = lo2.selectFrom(s3_8, s3_12);
    FloatVector s2_12 = hi2.selectFrom(s3_8, s3_12);
    FloatVector s2_9 = lo2.selectFrom(s3_9, s3_13);
    FloatVector s2_13 = hi2.selectFrom(s3_9, s3_13);
    FloatVector s2_10 = lo2.selectFrom(s3_10, s3_14);
    FloatVector s2_14 = hi2.selectFrom(s3_10, s3_14);
    FloatVector s2_11 = lo2.selectFrom(s3_11, s3_15);
    FloatVector s2_15 = hi2.selectFrom(s3_11, s3_15);
    FloatVector lo1 = FloatVector.fromArray(F, PERMUTE, 2 * L);
    FloatVector hi1 = FloatVector.fromArray(F, PERMUTE, 3 * L);
    FloatVector s1_0 = lo1.selectFrom(s2_0, s2_2);
    FloatVector s1_2 = hi1.selectFrom(s2_0, s2_2);
    FloatVector s1_1 = lo1.selectFrom(s2_1, s2_3);
    FloatVector s1_3 = hi1.selectFrom(s2_1, s2_3);
    FloatVector s1_4 = lo1.selectFrom(s2_4, s2_6);
    FloatVector s1_6 = hi1.selectFrom(s2_4, s2_6);
    FloatVector s1_5 = lo1.selectFrom(s2_5, s2_7);
    FloatVector s1_7 = hi1.selectFrom(s2_5, s2_7);
    FloatVector s1_8 = lo1.selectFrom(s2_8, s2_10);
    FloatVector s1_10 = hi1.selectFrom(s2_8, s2_10);
    FloatVector s1_9 = lo1.selectFrom(s2_9, s2_11);
    FloatVector s1_11 = hi1.selectFrom(s2_9, s2_11);
    FloatVector s1_12 = lo1.selectFrom(s2_12, s2_14);
    FloatVector s1_14 = hi1.selectFrom(s2_12, s2_14);
    FloatVector s1_13 = lo1.selectFrom(s2_13, s2_15);
    FloatVector s1_15 = hi1.selectFrom(s2_13, s2_15);
    FloatVector lo0 = FloatVector.fromArray(F, PERMUTE, 0 * L);
    FloatVector hi0 = FloatVector.fromArray(F, PERMUTE, 1 * L);
    FloatVector s0_0 = lo0.selectFrom(s1_0, s1_1);
    FloatVector s0_1 = hi0.selectFrom(s1_0, s1_1);
    FloatVector s0_2 = lo0.selectFrom(s1_2, s1_3);
    FloatVector s0_3 = hi0.selectFrom(s1_2, s1_3);
    FloatVector s0_4 = lo0.selectFrom(s1_4, s1_5);
    FloatVector s0_5 = hi0.selectFrom(s1_4, s1_5);
    FloatVector s0_6 = lo0.selectFrom(s1_6, s1_7);
    FloatVector s0_7 = hi0.selectFrom(s1_6, s1_7);
    FloatVector s0_8 = lo0.selectFrom(s1_8, s1_9);
    FloatVector s0_9 = hi0.selectFrom(s1_8, s1_9);
    FloatVector s0_10 = lo0.selectFrom(s1_10, s1_11);
    FloatVector s0_11 = hi0.selectFrom(s1_10, s1_11);
    FloatVector s0_12 = lo0.selectFrom(s1_12, s1_13);
    FloatVector s0_13 = hi0.selectFrom(s1_12, s1_13);
    FloatVector s0_14 = lo0.selectFrom(s1_14, s1_15);
    FloatVector s0_15 = hi0.selectFrom(s1_14, s1_15);
    s0_0.intoArray(dst, d + 0 * ldd);
    s0_1.intoArray(dst, d + 1 * ldd);
    s0_2.intoArray(dst, d + 2 * ldd);
    s0_3.intoArray(dst, d + 3 * ldd);
    s0_4.intoArray(dst, d + 4 * ldd);
    s0_5.intoArray(dst, d + 5 * ldd);
    s0_6.intoArray(dst, d + 6 * ldd);
    s0_7.intoArray(dst, d + 7 * ldd);
    s0_8.intoArray(dst, d + 8 * ldd);
    s0_9.intoArray(dst, d + 9 * ldd);
    s0_10.intoArray(dst, d + 10 * ldd);
    s0_11.intoArray(dst, d + 11 * ldd);
    s0_12.intoArray(dst, d + 12 * ldd);
    s0_13.intoArray(dst, d + 13 * ldd);
    s0_14.intoArray(dst, d + 14 * ldd);
    s0_15.intoArray(dst, d + 15 * ldd);
  }

  /** α·op(A)[ic:ic+mc, pc:pc+kc] into MR-tall strips, p-major inside a strip, zero-padded. */
  private static void packA(boolean trans, float alpha, float[] a, int aOff, int lda, int ic,
      int mc, int pc, int kc, float[] dst, float[] block) {
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = Math.min(MR, mc - ir);
      int base = ir * kc;
      if (trans) {
        // op(A) = Aᵀ: the strip's mr entries at step p are contiguous in row pc+p of A, and so
        // are their destinations; walking a column of A instead (stride lda) missed in L1.
        int p = 0;
        if (VECTOR_TRANSPOSE && mr == MR) {
          // One masked load of the MR entries per step (lanes past MR read as zeros), times α,
          // stored as 16 floats: the next step's store overwrites lanes past MR (the slack).
          for (; p < kc; p++) {
            FloatVector.fromArray(F, a, aOff + (pc + p) * lda + ic + ir, A_STEP).mul(alpha)
                .intoArray(dst, base + p * MR);
          }
        }
        for (; p < kc; p++) {
          int src = aOff + (pc + p) * lda + ic + ir;
          int d = base + p * MR;
          for (int r = 0; r < MR; r++) {
            dst[d + r] = r < mr ? alpha * a[src + r] : 0f;
          }
        }
        continue;
      }
      int p0 = 0;
      if (VECTOR_TRANSPOSE && mr == MR) {
        // Rows of A are columns of the strip: α times MR rows of 16 steps into the block (α·a
        // rounded once, as below), then transposed with stride-MR stores, each of 16 floats, so
        // a later step's store overwrites the previous one's lanes past MR (hence the slack).
        int src = aOff + (ic + ir) * lda + pc;
        for (; p0 + PB <= kc; p0 += PB) {
          for (int r = 0; r < MR; r++) {
            FloatVector.fromArray(F, a, src + r * lda + p0).mul(alpha).intoArray(block, r * PB);
          }
          transpose16(block, 0, PB, dst, base + p0 * MR, MR);
        }
      }
      for (int r = 0; r < MR; r++) {
        int i = ic + ir + r;
        for (int p = p0; p < kc; p++) {
          float v = 0f;
          if (r < mr) {
            v = alpha * a[aOff + i * lda + pc + p];
          }
          dst[base + p * MR + r] = v;
        }
      }
    }
  }
}
