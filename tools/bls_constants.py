#!/usr/bin/env python3
"""Derives the BLS12-381 constants that lib/crypto/bls uses and prints them as C.

Run: python3 tools/bls_constants.py > lib/crypto/bls/bls_consts.h

Everything is derived from the curve parameter x, the field prime and the published curve
constants (generators, RFC 9380 SSWU and 3-isogeny coefficients); the script checks each derived
value (orders, cube roots, the isogeny landing on E2, the final-exponentiation decomposition)
before printing it, and stops on any failure.
"""
import random

X = -0xd201000000010000
P = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001
assert R == X**4 - X**2 + 1
assert P == (X - 1) ** 2 * R // 3 + X
MONT = 1 << 384

# ---- Fp2 = Fp[i]/(i^2+1) as (c0, c1) ----
def f2(a, b=0): return (a % P, b % P)
def add2(a, b): return ((a[0] + b[0]) % P, (a[1] + b[1]) % P)
def sub2(a, b): return ((a[0] - b[0]) % P, (a[1] - b[1]) % P)
def neg2(a): return ((-a[0]) % P, (-a[1]) % P)
def mul2(a, b): return ((a[0] * b[0] - a[1] * b[1]) % P, (a[0] * b[1] + a[1] * b[0]) % P)
def pow2(a, e):
    r = (1, 0)
    while e:
        if e & 1: r = mul2(r, a)
        a = mul2(a, a); e >>= 1
    return r
def inv2(a):
    n = pow(a[0] * a[0] + a[1] * a[1], P - 2, P)
    return (a[0] * n % P, (-a[1]) * n % P)
def conj2(a): return (a[0], (-a[1]) % P)
def sqrt_fp(a):
    s = pow(a, (P + 1) // 4, P)
    return s if s * s % P == a % P else None
def sqrt2(a):
    if a[1] == 0:
        s = sqrt_fp(a[0])
        if s is not None: return (s, 0)
        s = sqrt_fp((-a[0]) % P)
        return (0, s)
    n = sqrt_fp((a[0] * a[0] + a[1] * a[1]) % P)
    if n is None: return None
    inv2_ = pow(2, P - 2, P)
    for sgn in (1, -1):
        t = (a[0] + sgn * n) * inv2_ % P
        x0 = sqrt_fp(t)
        if x0 is not None and x0 != 0:
            x1 = a[1] * pow(2 * x0, P - 2, P) % P
            if mul2((x0, x1), (x0, x1)) == a: return (x0, x1)
    return None

XI = (1, 1)

# ---- generic short-Weierstrass affine arithmetic over a field given as ops ----
class Ops:
    def __init__(s, add, sub, mul, inv, neg, zero, one, eq):
        s.add, s.sub, s.mul, s.inv, s.neg, s.zero, s.one, s.eq = add, sub, mul, inv, neg, zero, one, eq
def ec_add(F, Pt, Qt):
    if Pt is None: return Qt
    if Qt is None: return Pt
    (x1, y1), (x2, y2) = Pt, Qt
    if F.eq(x1, x2):
        if F.eq(y1, F.neg(y2)): return None
        lam = F.mul(F.mul(F.mul(x1, x1), F.add(F.one, F.add(F.one, F.one))), F.inv(F.add(y1, y1)))
    else:
        lam = F.mul(F.sub(y2, y1), F.inv(F.sub(x2, x1)))
    x3 = F.sub(F.sub(F.mul(lam, lam), x1), x2)
    return (x3, F.sub(F.mul(lam, F.sub(x1, x3)), y1))
def ec_mul(F, Pt, k):
    neg = k < 0; k = abs(k); acc = None
    while k:
        if k & 1: acc = ec_add(F, acc, Pt)
        Pt = ec_add(F, Pt, Pt); k >>= 1
    if neg and acc is not None: acc = (acc[0], F.neg(acc[1]))
    return acc
F1 = Ops(lambda a, b: (a + b) % P, lambda a, b: (a - b) % P, lambda a, b: a * b % P,
         lambda a: pow(a, P - 2, P), lambda a: (-a) % P, 0, 1, lambda a, b: a == b)
F2 = Ops(add2, sub2, mul2, inv2, neg2, (0, 0), (1, 0), lambda a, b: a == b)

G1 = (0x17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb,
      0x08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1)
G2 = ((0x024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8,
       0x13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e),
      (0x0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801,
       0x0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be))
B2 = (4, 4)
assert (G1[1] ** 2 - G1[0] ** 3 - 4) % P == 0
assert mul2(G2[1], G2[1]) == add2(pow2(G2[0], 3), B2)
assert ec_mul(F1, G1, R) is None
assert ec_mul(F2, G2, R) is None

# ---- G1 endomorphism phi(x, y) = (beta x, y) acting as -x^2 on G1 ----
BETA = None
for g in range(2, 50):
    c = pow(g, (P - 1) // 3, P)
    if c != 1:
        for cand in (c, c * c % P):
            if ec_mul(F1, G1, -X * X) == (cand * G1[0] % P, G1[1]):
                BETA = cand
        break
assert BETA is not None

# ---- psi on E2 (untwist-Frobenius-twist) ----
PSI_X = inv2(pow2(XI, (P - 1) // 3))
PSI_Y = inv2(pow2(XI, (P - 1) // 2))
def psi(Q): return (mul2(conj2(Q[0]), PSI_X), mul2(conj2(Q[1]), PSI_Y))
assert psi(G2) == ec_mul(F2, G2, X)

# ---- Frobenius coefficients of w^k, k = 1..5: xi^(k(p-1)/6) ----
FROB = [pow2(XI, k * (P - 1) // 6) for k in range(1, 6)]

# ---- final exponentiation decomposition ----
assert (X - 1) ** 2 * (X + P) * (X * X + P * P - 1) + 3 == 3 * (P ** 4 - P ** 2 + 1) // R
assert (P ** 4 - P ** 2 + 1) % R == 0

# ---- RFC 9380 SSWU for E2': y^2 = x^3 + A'x + B', then the 3-isogeny to E2 ----
A_ISO = (0, 240); B_ISO = (1012, 1012); Z_ISO = f2(-2, -1)
K1 = [(0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97d6,
       0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97d6),
      (0, 0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71a),
      (0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71e,
       0x8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffffffffe38d),
      (0x171d6541fa38ccfaed6dea691f5fb614cb14b4e7f4e810aa22d6108f142b85757098e38d0f671c7188e2aaaaaaaa5ed1, 0)]
K2 = [(0, 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa63),
      (0xc, 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa9f)]
K3 = [(0x1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71c6d706,
       0x1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71c6d706),
      (0, 0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97be),
      (0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71c,
       0x8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffffffffe38f),
      (0x124c9ad43b6cf79bfbf7043de3811ad0761b0f37a1e26286b0e977c69aa274524e79097a56dc4bd9e1b371c71c718b10, 0)]
K4 = [(0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa8fb,
       0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa8fb),
      (0, 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa9d3),
      (0x12, 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa99)]

def horner(ks, x, monic):
    acc = (1, 0) if monic else ks[-1]
    rest = ks if monic else ks[:-1]
    for k in reversed(rest):
        acc = add2(mul2(acc, x), k)
    return acc
def iso3(Pt):
    x, y = Pt
    xn = horner(K1, x, False); xd = horner(K2, x, True)
    yn = horner(K3, x, False); yd = horner(K4, x, True)
    return (mul2(xn, inv2(xd)), mul2(y, mul2(yn, inv2(yd))))
def sgn0(a):
    return (a[0] & 1) | ((a[0] == 0) & (a[1] & 1))
def sswu(u):
    u2 = mul2(u, u); zu2 = mul2(Z_ISO, u2)
    tv1 = add2(mul2(zu2, zu2), zu2)
    if tv1 == (0, 0):
        x1 = mul2(B_ISO, inv2(mul2(Z_ISO, A_ISO)))
    else:
        x1 = mul2(mul2(neg2(B_ISO), inv2(A_ISO)), add2((1, 0), inv2(tv1)))
    gx = lambda x: add2(add2(pow2(x, 3), mul2(A_ISO, x)), B_ISO)
    y = sqrt2(gx(x1)); x = x1
    if y is None:
        x = mul2(zu2, x1); y = sqrt2(gx(x))
    if sgn0(u) != sgn0(y): y = neg2(y)
    return (x, y)
rng = random.Random(1)
for _ in range(8):
    u = (rng.randrange(P), rng.randrange(P))
    xp, yp = sswu(u)
    assert mul2(yp, yp) == add2(add2(pow2(xp, 3), mul2(A_ISO, xp)), B_ISO)
    q = iso3((xp, yp))
    assert mul2(q[1], q[1]) == add2(pow2(q[0], 3), B2)
    # Budroni-Pintore cofactor clearing equals h_eff multiplication
    H_EFF = 0xbc69f08f2ee75b3584c6a0ea91b352888e2a8e9145ad7689986ff031508ffe1329c2f178731db956d82bf015d1212b02ec0ec69d7477c1ae954cbc06689f6a359894c0adebbf6b4e8020005aaa95551
    lhs = ec_mul(F2, q, H_EFF)
    t = ec_add(F2, ec_mul(F2, q, X * X - X - 1), ec_mul(F2, psi(q), X - 1))
    rhs = ec_add(F2, t, psi(psi(ec_add(F2, q, q))))
    assert lhs == rhs
    assert ec_mul(F2, lhs, R) is None
    break

# ---- printing ----
def limbs(v, n=6):
    return [(v >> (64 * i)) & (2**64 - 1) for i in range(n)]
def c_limbs(v, n=6):
    return "{" + ", ".join("0x%016xULL" % l for l in limbs(v, n)) + "}"
def mont(v): return v * MONT % P
def c_fp(v): return "{" + c_limbs(mont(v)) + "}"
def c_fp2(a): return "{" + c_fp(a[0]) + ", " + c_fp(a[1]) + "}"

out = []
w = out.append
w("/* Generated by tools/bls_constants.py: BLS12-381 constants (Montgomery form, R = 2^384,")
w(" * little-endian 64-bit limbs). Do not edit; rerun the script. */")
w("#ifndef CFARM_BLS_CONSTS_H")
w("#define CFARM_BLS_CONSTS_H")
w("#define BLS_P_LIMBS " + c_limbs(P))
w("#define BLS_P_INV 0x%016xULL /* -p^-1 mod 2^64 */" % ((-pow(P, -1, 2**64)) % 2**64))
w("#define BLS_R2 " + c_limbs(MONT * MONT % P) + " /* R^2 mod p */")
w("#define BLS_R2_2_256 " + c_limbs(MONT * MONT * 2**256 % P) + " /* R^2 2^256 mod p */")
w("#define BLS_ONE " + c_fp(1))
w("#define BLS_HALF " + c_fp((P + 1) // 2) + " /* 1/2 */")
w("#define BLS_R_LIMBS " + c_limbs(R, 4))
w("#define BLS_P_MINUS_2 " + c_limbs(P - 2))
w("#define BLS_P_PLUS_1_DIV_4 " + c_limbs((P + 1) // 4))
w("#define BLS_P_MINUS_3_DIV_4 " + c_limbs((P - 3) // 4))
w("#define BLS_P_MINUS_1_DIV_2 " + c_limbs((P - 1) // 2))
w("#define BLS_B1 " + c_fp(4))
w("#define BLS_B1_X3 " + c_fp(12))
w("#define BLS_B2 " + c_fp2(B2))
w("#define BLS_B2_X3 " + c_fp2((12, 12)))
w("#define BLS_G1_X " + c_fp(G1[0]))
w("#define BLS_G1_Y " + c_fp(G1[1]))
w("#define BLS_G2_X " + c_fp2(G2[0]))
w("#define BLS_G2_Y " + c_fp2(G2[1]))
w("#define BLS_BETA " + c_fp(BETA) + " /* phi(x,y) = (beta x, y) acts as -x^2 on G1 */")
w("#define BLS_PSI_X " + c_fp2(PSI_X))
w("#define BLS_PSI_Y " + c_fp2(PSI_Y))
w("#define BLS_FROB " + "{" + ", ".join(c_fp2(c) for c in FROB) + "}")
w("#define BLS_SSWU_A " + c_fp2(A_ISO))
w("#define BLS_SSWU_B " + c_fp2(B_ISO))
w("#define BLS_SSWU_Z " + c_fp2(Z_ISO))
w("#define BLS_SSWU_MINUS_B_OVER_A " + c_fp2(mul2(neg2(B_ISO), inv2(A_ISO))))
w("#define BLS_SSWU_B_OVER_ZA " + c_fp2(mul2(B_ISO, inv2(mul2(Z_ISO, A_ISO)))))
SQRT_M125 = sqrt_fp((-125) % P)
assert SQRT_M125 is not None and sqrt_fp(5) is None  # N(Z) = 5 is a non-square, -125 a square
w("#define BLS_SQRT_MINUS_125 " + c_fp(SQRT_M125) + " /* sqrt(-N(Z)^3), N(Z) = 5 */")
for name, ks in (("K1", K1), ("K2", K2), ("K3", K3), ("K4", K4)):
    w("#define BLS_ISO_%s {%s}" % (name, ", ".join(c_fp2(k) for k in ks)))
w("#endif")
print("\n".join(out))
