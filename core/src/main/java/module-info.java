/** Builds OCI and Docker container images from scratch. */
module io.github.scratch4j {
  requires io.github.scratch4j.elf;
  requires org.apache.commons.compress;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires java.net.http;
  requires static com.github.luben.zstd_jni;

  exports io.github.scratch4j;
}
