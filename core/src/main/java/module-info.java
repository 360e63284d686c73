/** Builds OCI and Docker container images from scratch. */
module io.github.scratch4j {
  requires io.github.scratch4j.elf;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires java.net.http;
  // Optional codecs, loaded only when a stream needs them (see internal.compress.OptionalCodecs).
  requires static com.github.luben.zstd_jni;
  requires static org.apache.commons.compress;
  requires static org.tukaani.xz;
  // Optional: scrypt and XSalsa20-Poly1305 for cosign's encrypted key files (see internal.sign).
  requires static org.bouncycastle.provider;
  // The assertions for users' tests, used only by those who add AssertJ.
  requires static org.assertj.core;

  exports io.github.scratch4j;
  exports io.github.scratch4j.assertj;
}
