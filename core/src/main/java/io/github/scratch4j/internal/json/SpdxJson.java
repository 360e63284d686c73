package io.github.scratch4j.internal.json;

import java.util.List;
import java.util.Optional;

/**
 * An SPDX 2.3 document in its JSON form (SPDX specification 2.3, clauses 6 document creation, 7
 * packages, 8 files, 11 relationships), in a fixed field order, so the same content gives the same
 * bytes.
 */
public final class SpdxJson {
  /** A package: the image itself or a module a binary was built from. */
  public record Package(String id, String name, Optional<String> version, Optional<String> purl,
      Optional<String> purpose, Optional<String> comment, Optional<String> verificationCode) {}

  /** A file, with its SHA-1 (which SPDX 2.3 requires) and SHA-256. */
  public record File(String id, String name, String sha1, String sha256, Optional<String> comment) {}

  /** A relationship between two elements. */
  public record Relationship(String from, String type, String to) {}

  private SpdxJson() {}

  public static byte[] write(String name, String namespace, String created, List<Package> packages, List<File> files,
      List<Relationship> relationships) {
    JsonWriter w = new JsonWriter();
    w.writeStartObject();
    w.writeStringField("spdxVersion", "SPDX-2.3");
    w.writeStringField("dataLicense", "CC0-1.0");
    w.writeStringField("SPDXID", "SPDXRef-DOCUMENT");
    w.writeStringField("name", name);
    w.writeStringField("documentNamespace", namespace);
    w.writeObjectFieldStart("creationInfo");
    w.writeStringField("created", created);
    w.writeArrayFieldStart("creators");
    w.writeString("Tool: scratch4j");
    w.writeEndArray();
    w.writeEndObject();
    w.writeArrayFieldStart("packages");
    for (Package p : packages) {
      w.writeStartObject();
      w.writeStringField("SPDXID", p.id());
      w.writeStringField("name", p.name());
      p.version().ifPresent(v -> w.writeStringField("versionInfo", v));
      w.writeStringField("downloadLocation", "NOASSERTION");
      w.writeBooleanField("filesAnalyzed", p.verificationCode().isPresent());
      p.verificationCode().ifPresent(code -> {
        w.writeObjectFieldStart("packageVerificationCode");
        w.writeStringField("packageVerificationCodeValue", code);
        w.writeEndObject();
      });
      w.writeStringField("licenseConcluded", "NOASSERTION");
      if (p.verificationCode().isPresent()) {
        w.writeArrayFieldStart("licenseInfoFromFiles");
        w.writeString("NOASSERTION");
        w.writeEndArray();
      }
      w.writeStringField("licenseDeclared", "NOASSERTION");
      w.writeStringField("copyrightText", "NOASSERTION");
      p.purl().ifPresent(purl -> {
        w.writeArrayFieldStart("externalRefs");
        w.writeStartObject();
        w.writeStringField("referenceCategory", "PACKAGE-MANAGER");
        w.writeStringField("referenceType", "purl");
        w.writeStringField("referenceLocator", purl);
        w.writeEndObject();
        w.writeEndArray();
      });
      p.purpose().ifPresent(v -> w.writeStringField("primaryPackagePurpose", v));
      p.comment().ifPresent(c -> w.writeStringField("comment", c));
      w.writeEndObject();
    }
    w.writeEndArray();
    w.writeArrayFieldStart("files");
    for (File f : files) {
      w.writeStartObject();
      w.writeStringField("fileName", f.name());
      w.writeStringField("SPDXID", f.id());
      w.writeArrayFieldStart("checksums");
      checksum(w, "SHA1", f.sha1());
      checksum(w, "SHA256", f.sha256());
      w.writeEndArray();
      w.writeStringField("licenseConcluded", "NOASSERTION");
      w.writeStringField("copyrightText", "NOASSERTION");
      f.comment().ifPresent(c -> w.writeStringField("comment", c));
      w.writeEndObject();
    }
    w.writeEndArray();
    w.writeArrayFieldStart("relationships");
    for (Relationship r : relationships) {
      w.writeStartObject();
      w.writeStringField("spdxElementId", r.from());
      w.writeStringField("relationshipType", r.type());
      w.writeStringField("relatedSpdxElement", r.to());
      w.writeEndObject();
    }
    w.writeEndArray();
    w.writeEndObject();
    return w.toByteArray();
  }

  private static void checksum(JsonWriter w, String algorithm, String value) {
    w.writeStartObject();
    w.writeStringField("algorithm", algorithm);
    w.writeStringField("checksumValue", value);
    w.writeEndObject();
  }
}
