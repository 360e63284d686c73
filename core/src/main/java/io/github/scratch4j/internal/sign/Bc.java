package io.github.scratch4j.internal.sign;

/** Whether Bouncy Castle, an optional dependency, is there; the message names what to add. */
final class Bc {
  static final String ARTIFACT = "org.bouncycastle:bcprov-jdk18on";

  private Bc() {}

  static void require(String what) {
    try {
      Class.forName("org.bouncycastle.crypto.generators.SCrypt", false, Bc.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(what + " needs scrypt and XSalsa20-Poly1305, which the JDK lacks: add "
          + ARTIFACT + " (on the module path, also --add-modules org.bouncycastle.provider)", e);
    }
  }
}
