package io.github.scratch4j.internal.sign;

import java.math.BigInteger;
import java.security.spec.ECPoint;

/**
 * The public point of a P-256 private key, d·G, which a PKCS#8 key may leave out (the JDK's own
 * encoding does) and the JDK has no public API to compute. From Bouncy Castle, already needed to
 * decrypt the key.
 */
public final class Points {
  private Points() {}

  public static ECPoint p256PublicPoint(BigInteger d) {
    Bc.require("reading a cosign private key");
    org.bouncycastle.asn1.x9.X9ECParameters curve = org.bouncycastle.asn1.nist.NISTNamedCurves.getByName("P-256");
    org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(d).normalize();
    return new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
  }
}
