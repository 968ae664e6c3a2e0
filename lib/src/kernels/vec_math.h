// Vectorised exp and erf, written once over a vector type and instantiated per ISA (AVX2's 8
// lanes in ops_avx2.cc, AVX-512's 16 in ops_avx512.cc): libm has none that GCC will call on
// vectors without -ffast-math. Both are lane-wise, with the same operations in the same order on
// every ISA, so every level computes the same bits for the same input.
//
// V provides: the vector type F, its integer twin I and comparison mask M; set1, min, max, add,
// mul, fmadd (a * b + c), fnmadd (c - a * b), round (to nearest, no exception), cvt (to int32 by
// the current rounding mode), slli23, srai1, isub, iadd, iset1, as_float (bit cast), and_, or_,
// xor_, andnot (~a & b), is_nan, lt (ordered a < b), select(m, a, b) (a where m, else b).
// Internal linkage, as in blocking.h: each ISA's file compiles its own copy.
#pragma once

namespace bitmill::kernels {
namespace {  // NOLINT(google-build-namespaces, cert-dcl59-cpp): see above

// exp(x), as in Cephes' expf: x = n ln2 + r with |r| <= ln2 / 2, exp(r) by a degree-7
// polynomial, times 2^n. 2^n is applied as two factors 2^(n/2) so that results in the subnormal
// range (x < -87.3) and the top binade (n = 128) come out right instead of flushing to 0 or inf.
// Relative error about 1 ulp; NaN propagates.
template <class V>
inline typename V::F vexp(typename V::F x) {
  // Past these every result is 0 or inf, and clamping keeps 2^n within the two factors' range.
  const auto xc = V::min(V::max(x, V::set1(-104.0f)), V::set1(88.8f));
  const auto n = V::round(V::mul(xc, V::set1(1.44269504088896341f)));
  // ln 2 in two parts: n * ln2_hi is exact (ln2_hi has 16 significant bits, |n| <= 150), so the
  // reduction loses nothing to cancellation.
  auto r = V::fnmadd(n, V::set1(0.693145751953125f), xc);
  r = V::fnmadd(n, V::set1(1.428606820309417232e-6f), r);
  auto p = V::set1(1.9875691500e-4f);
  p = V::fmadd(p, r, V::set1(1.3981999507e-3f));
  p = V::fmadd(p, r, V::set1(8.3334519073e-3f));
  p = V::fmadd(p, r, V::set1(4.1665795894e-2f));
  p = V::fmadd(p, r, V::set1(1.6666665459e-1f));
  p = V::fmadd(p, r, V::set1(5.0000001201e-1f));
  p = V::add(V::fmadd(p, V::mul(r, r), r), V::set1(1.0f));
  const auto ni = V::cvt(n);
  const auto n1 = V::srai1(ni);
  const auto n2 = V::isub(ni, n1);
  const auto s1 = V::as_float(V::slli23(V::iadd(n1, V::iset1(127))));
  const auto s2 = V::as_float(V::slli23(V::iadd(n2, V::iset1(127))));
  const auto y = V::mul(V::mul(p, s1), s2);
  return V::select(V::is_nan(x), x, y);
}

// erf(x), absolute error below 1e-7 (against the 1e-6 the encoder needs), in three pieces:
//   |x| < 1:      x * P(x^2), P of degree 6, a Chebyshev fit of erf(x)/x (error 1.2e-9);
//   1 <= |x| < 4: 1 - exp(-x^2) * Q(u), u = (|x| - 2.5) / 1.5 in [-1, 1], Q of degree 11, a
//                 Chebyshev fit of erfcx(x) = exp(x^2) erfc(x) (error 1e-8 relative);
//   |x| >= 4:     +-1 (erfc(4) = 1.5e-8).
// Both pieces are evaluated on every lane and blended: branches would cost more than they save
// on the mixed-magnitude inputs of a GELU. The coefficients came from mpmath.chebyfit.
template <class V>
inline typename V::F verf(typename V::F x) {
  const auto sign_mask = V::set1(-0.0f);
  const auto ax = V::andnot(sign_mask, x);

  const auto s = V::mul(x, x);
  auto p = V::set1(7.87587506269e-5f);
  p = V::fmadd(p, s, V::set1(-8.01686428717e-4f));
  p = V::fmadd(p, s, V::set1(5.18908742343e-3f));
  p = V::fmadd(p, s, V::set1(-2.68542120106e-2f));
  p = V::fmadd(p, s, V::set1(1.12835947152e-1f));
  p = V::fmadd(p, s, V::set1(-3.76126266667e-1f));
  // The constant term 1.128... is applied as x + 0.128... x, so that the final rounding is the
  // only one at full weight: this halves the error next to |x| = 1.
  p = V::fmadd(p, s, V::set1(0.12837916585f));
  const auto small = V::fmadd(x, p, x);

  // min(4, ax) and not min(ax, 4): the x86 min returns its second operand on NaN, so NaN
  // propagates.
  const auto a = V::min(V::set1(4.0f), ax);
  const auto u = V::fmadd(a, V::set1(1.0f / 1.5f), V::set1(-2.5f / 1.5f));
  auto q = V::set1(-3.5664178769e-5f);
  q = V::fmadd(q, u, V::set1(9.62912019546e-5f));
  q = V::fmadd(q, u, V::set1(-1.47416142935e-4f));
  q = V::fmadd(q, u, V::set1(3.68151097857e-4f));
  q = V::fmadd(q, u, V::set1(-1.01366259813e-3f));
  q = V::fmadd(q, u, V::set1(2.42563893796e-3f));
  q = V::fmadd(q, u, V::set1(-5.56883764557e-3f));
  q = V::fmadd(q, u, V::set1(1.24841231485e-2f));
  q = V::fmadd(q, u, V::set1(-2.70054582128e-2f));
  q = V::fmadd(q, u, V::set1(5.61109475570e-2f));
  q = V::fmadd(q, u, V::set1(-1.11521017937e-1f));
  q = V::fmadd(q, u, V::set1(2.10806357743e-1f));
  const auto e = vexp<V>(V::xor_(V::mul(a, a), sign_mask));
  const auto large = V::or_(V::fnmadd(e, q, V::set1(1.0f)), V::and_(x, sign_mask));

  return V::select(V::lt(ax, V::set1(1.0f)), small, large);
}

// GELU with the exact erf, in the reference's order: (x * 0.5) * (1 + erf(x / sqrt 2)).
template <class V>
inline typename V::F vgelu(typename V::F v) {
  const auto e = verf<V>(V::mul(v, V::set1(0.707106781186547524f)));
  return V::mul(V::mul(v, V::set1(0.5f)), V::add(V::set1(1.0f), e));
}

}  // namespace
}  // namespace bitmill::kernels
