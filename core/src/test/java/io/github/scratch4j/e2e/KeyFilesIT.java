package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.SigningKey;
import io.github.scratch4j.VerificationKey;
import io.github.scratch4j.WrongPassphraseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scratch4j's cosign key files against implementations we did not write: libsodium's secretbox
 * (Debian's PyNaCl) and OpenSSL's scrypt (Python's hashlib) open what scratch4j seals and seal
 * what scratch4j opens, in go-securesystemslib's JSON; OpenSSL makes and checks the keys and
 * signatures on either side.
 */
class KeyFilesIT {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  /** Python: {@code open FILE PASS OUT.der} and {@code seal PKCS8.der PASS OUT.key}. */
  private static final String COSIGN_PY = """
      import base64, hashlib, json, os, sys
      import nacl.secret
      def key(passphrase, salt, n, r, p):
          return hashlib.scrypt(passphrase.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 << 20, dklen=32)
      def open_key(path, passphrase, out):
          text = open(path).read()
          body = text.split("-----\\n", 1)[1].rsplit("\\n-----END", 1)[0]
          doc = json.loads(base64.b64decode(body))
          assert doc["kdf"]["name"] == "scrypt" and doc["cipher"]["name"] == "nacl/secretbox", doc
          k = doc["kdf"]
          box = nacl.secret.SecretBox(key(passphrase, base64.b64decode(k["salt"]), k["params"]["N"], k["params"]["r"], k["params"]["p"]))
          open(out, "wb").write(box.decrypt(base64.b64decode(doc["ciphertext"]), base64.b64decode(doc["cipher"]["nonce"])))
      def seal_key(der, passphrase, out):
          salt, nonce = os.urandom(32), os.urandom(24)
          box = nacl.secret.SecretBox(key(passphrase, salt, 65536, 8, 1))
          sealed = box.encrypt(open(der, "rb").read(), nonce).ciphertext
          doc = {"kdf": {"name": "scrypt", "params": {"N": 65536, "r": 8, "p": 1}, "salt": base64.b64encode(salt).decode()},
                 "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
                 "ciphertext": base64.b64encode(sealed).decode()}
          b64 = base64.b64encode(json.dumps(doc).encode()).decode()
          lines = "\\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
          open(out, "w").write("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\\n" + lines + "\\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\\n")
      {"open": open_key, "seal": seal_key}[sys.argv[1]](sys.argv[2], sys.argv[3], sys.argv[4])
      """;

  @TempDir Path dir;
  private Path script;
  private Path payload;

  @BeforeEach
  void tools() throws Exception {
    Commands.require("/usr/bin/python3", "openssl");
    if (Commands.run(MINUTE, "/usr/bin/python3", "-c", "import nacl.secret").exitCode() != 0) {
      io.github.scratch4j.testing.Tools.unavailable("Debian's python3-nacl is not installed (see .ci/run)");
    }
    script = Files.writeString(dir.resolve("cosign_keys.py"), COSIGN_PY);
    payload = Files.writeString(dir.resolve("payload.json"), "{\"critical\":{\"type\":\"cosign container image signature\"}}");
  }

  private Commands.Result python(String... args) {
    String[] command = new String[args.length + 2];
    command[0] = "/usr/bin/python3";
    command[1] = script.toString();
    System.arraycopy(args, 0, command, 2, args.length);
    return Commands.run(MINUTE, command);
  }

  @Test
  void libsodiumOpensScratch4jsKeyFileToTheKeyOpenSslSignsWith() throws Exception {
    SigningKey key = SigningKey.generate();
    Path file = dir.resolve("cosign.key");
    key.write(file, "s3cret".toCharArray());
    Path der = dir.resolve("opened.der");
    python("open", file.toString(), "s3cret", der.toString()).assertSuccess();
    // The PKCS#8 key libsodium took out has scratch4j's public key...
    Path pub = dir.resolve("opened.pub");
    Commands.run(MINUTE, "openssl", "pkey", "-inform", "DER", "-in", der.toString(), "-pubout", "-out", pub.toString())
        .assertSuccess();
    assertThat(VerificationKey.read(pub)).isEqualTo(key.verificationKey());
    // ...and what OpenSSL signs with it, scratch4j verifies; what scratch4j signs, OpenSSL verifies.
    Path sig = dir.resolve("openssl.sig");
    Commands.run(MINUTE, "openssl", "dgst", "-sha256", "-keyform", "DER", "-sign", der.toString(), "-out",
        sig.toString(), payload.toString()).assertSuccess();
    assertThat(key.verificationKey().verifies(Files.readAllBytes(payload), Files.readAllBytes(sig))).isTrue();
    Path ours = Files.write(dir.resolve("scratch4j.sig"), key.sign(Files.readAllBytes(payload)));
    key.verificationKey().write(dir.resolve("cosign.pub"));
    assertThat(Commands.run(MINUTE, "openssl", "dgst", "-sha256", "-verify", dir.resolve("cosign.pub").toString(),
        "-signature", ours.toString(), payload.toString()).assertSuccess().stdout()).contains("Verified OK");
    // A wrong passphrase does not open it there either.
    assertThat(python("open", file.toString(), "wrong", dir.resolve("no.der").toString()).exitCode()).isNotZero();
  }

  @Test
  void aKeyFileSealedByLibsodiumOpensInScratch4j() throws Exception {
    Path pem = dir.resolve("openssl.pem");
    Commands.run(MINUTE, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
        pem.toString()).assertSuccess();
    Path der = dir.resolve("openssl.der");
    Commands.run(MINUTE, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", pem.toString(), "-outform", "DER", "-out",
        der.toString()).assertSuccess();
    Path pub = dir.resolve("openssl.pub");
    Commands.run(MINUTE, "openssl", "pkey", "-in", pem.toString(), "-pubout", "-out", pub.toString()).assertSuccess();
    Path file = dir.resolve("sealed.key");
    python("seal", der.toString(), "pässword", file.toString()).assertSuccess();

    SigningKey key = SigningKey.read(file, "pässword".toCharArray());
    assertThat(key.verificationKey()).isEqualTo(VerificationKey.read(pub));
    Path sig = Files.write(dir.resolve("sig"), key.sign(Files.readAllBytes(payload)));
    assertThat(Commands.run(MINUTE, "openssl", "dgst", "-sha256", "-verify", pub.toString(), "-signature",
        sig.toString(), payload.toString()).assertSuccess().stdout()).contains("Verified OK");
    assertThatThrownBy(() -> SigningKey.read(file, "password".toCharArray()))
        .isInstanceOf(WrongPassphraseException.class).hasMessageContaining(file.toString());
    assertThat(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII)).contains("ENCRYPTED SIGSTORE PRIVATE KEY");
  }
}
