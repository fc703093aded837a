// The micro-kernel of C (+)= Aᵀ·B (gemm_tn.c) for one SIMD variant, instantiated by kernels_x86.c
// after it defines: VT, VW (floats per vector), VZERO(), VLOAD(p), VSTORE(p, v), VBCAST(p) (one
// float to every lane), VFMA(acc, a, b) (= fma(a, b, acc) per lane), VADD(a, b), VNONFINITE(v)
// (any lane ±inf or NaN), TN_MR, TN_NV (the tile: TN_MR rows × TN_NV·VW columns) and TN_NAME.
//
// The canonical dot product (vamos_kernels.h) of column m of A and column n of B puts element k in
// lane l = k mod 16, each lane a sequential chain of fma from +0, then adds the 16 lanes with the
// fixed tree. Here the lanes are computed one after the other, each for a whole tile at once: lane
// l of every output of the tile is the chain over k = l, l+16, l+32, … — packed by gemm_tn.c so
// that it is contiguous, zero-padded to whole blocks of 16 exactly as the canonical tail is — and
// the tree then adds the 16 lane results of each output, vertically. Same fmas, same additions,
// same order: the same bits as every other variant.
//
// ap: [16][kb][TN_MR] (lane, block of k, row); bp: [16][kb][TN_NV·VW]; C: rows × cols of the tile
// (rows ≤ TN_MR, cols ≤ TN_NV·VW valid), row stride ldc; bias: the tile's first column's bias, or
// NULL (v = dot; v = v + bias; v = c + v when accumulating: vamos_sgemm_nt's epilogue).
void TN_NAME(const float *ap, const float *bp, int64_t kb, float *C, int64_t ldc, int rows, int cols, int accumulate,
             const float *bias) {
    enum { NB = TN_NV * VW };
    float part[16][TN_MR][NB] __attribute__((aligned(64)));
    for (int l = 0; l < 16; l++) {
        const float *a = ap + (int64_t)l * kb * TN_MR, *b = bp + (int64_t)l * kb * NB;
        VT acc[TN_MR][TN_NV];
        for (int r = 0; r < TN_MR; r++)
            for (int v = 0; v < TN_NV; v++) acc[r][v] = VZERO();
        for (int64_t q = 0; q < kb; q++, a += TN_MR, b += NB) {
            VT bv[TN_NV];
            for (int v = 0; v < TN_NV; v++) bv[v] = VLOAD(b + v * VW);
            for (int r = 0; r < TN_MR; r++) {
                const VT av = VBCAST(a + r);
                for (int v = 0; v < TN_NV; v++) acc[r][v] = VFMA(acc[r][v], av, bv[v]);
            }
        }
        for (int r = 0; r < TN_MR; r++)
            for (int v = 0; v < TN_NV; v++) VSTORE(&part[l][r][v * VW], acc[r][v]);
    }
    // The tree: (i + (i+8)), then (i + (i+4)), (i + (i+2)), (0 + 1); then + bias, c + v when accumulating.
    for (int r = 0; r < rows; r++) {
        float *c = C + r * ldc;
        for (int v = 0; v < TN_NV && v * VW < cols; v++) {
            VT s8[8], s4[4], s2[2];
            for (int i = 0; i < 8; i++) s8[i] = VADD(VLOAD(&part[i][r][v * VW]), VLOAD(&part[i + 8][r][v * VW]));
            for (int i = 0; i < 4; i++) s4[i] = VADD(s8[i], s8[i + 4]);
            for (int i = 0; i < 2; i++) s2[i] = VADD(s4[i], s4[i + 2]);
            VT s = VADD(s2[0], s2[1]);
            if (cols - v * VW >= VW) {
                if (bias) s = VADD(s, VLOAD(bias + v * VW));
                if (accumulate) s = VADD(VLOAD(c + v * VW), s);
                if (VNONFINITE(s)) vamos_note_nonfinite();
                VSTORE(c + v * VW, s);
            } else {  // the last columns of the matrix: element by element
                float t[VW] __attribute__((aligned(64)));
                VSTORE(t, s);
                for (int j = 0; j < cols - v * VW; j++) {
                    float x = bias ? t[j] + bias[v * VW + j] : t[j];
                    x = accumulate ? c[v * VW + j] + x : x;
                    if (!(x - x == 0.0f)) vamos_note_nonfinite();
                    c[v * VW + j] = x;
                }
            }
        }
    }
}
