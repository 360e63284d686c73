package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import java.net.URI;
import org.junit.jupiter.api.Test;

class HostsTest {
  private final RegistryOptions defaults = RegistryOptions.defaults();
  private static final URI TLS_REGISTRY = URI.create("https://r.example.com/");
  private static final URI LOCAL_REGISTRY = URI.create("http://127.0.0.1:5000/");

  @Test
  void onlyLoopbackAndMarkedHostsMayUsePlainHttp() {
    assertThat(Hosts.allowsPlainHttp("localhost:5000", defaults)).isTrue();
    assertThat(Hosts.allowsPlainHttp("127.0.0.1:5000", defaults)).isTrue();
    assertThat(Hosts.allowsPlainHttp("[::1]:5000", defaults)).isTrue();
    assertThat(Hosts.allowsPlainHttp("registry.example.com", defaults)).isFalse();
    assertThat(Hosts.allowsPlainHttp("127.0.0.1.example.com", defaults)).isFalse();
    assertThat(Hosts.allowsPlainHttp("10.0.0.5:5000", defaults)).isFalse();
    assertThat(Hosts.allowsPlainHttp("10.0.0.5:5000", defaults.withInsecureRegistry("10.0.0.5:5000"))).isTrue();
  }

  @Test
  void aTokenServiceMustBeHttpsUnlessOnAHostThatMayUsePlainHttp() throws Exception {
    assertThat(Hosts.checkRealm("https://127.0.0.1:8443/token", "r.example.com", TLS_REGISTRY, defaults).uri())
        .hasHost("127.0.0.1");
    assertThat(Hosts.checkRealm("http://127.0.0.1:9000/token", "127.0.0.1:5000", LOCAL_REGISTRY, defaults).uri())
        .hasPort(9000);
    assertThatThrownBy(() -> Hosts.checkRealm("http://10.1.2.3/token", "r.example.com", TLS_REGISTRY, defaults))
        .isInstanceOf(RegistryException.class).hasMessageContaining("plain HTTP");
  }

  @Test
  void aChallengeOverPlainHttpCannotSendCredentialsToAnotherHost() {
    assertThatThrownBy(() -> Hosts.checkRealm("https://10.1.2.3/token", "127.0.0.1:5000", LOCAL_REGISTRY, defaults))
        .isInstanceOf(RegistryException.class).hasMessageContaining("answered over plain HTTP");
  }

  @Test
  void linkLocalWildcardAndOddUrlsAreRefused() {
    assertThatThrownBy(() -> Hosts.checkRealm("https://169.254.169.254/latest/meta-data", "r.example.com", TLS_REGISTRY, defaults))
        .isInstanceOf(RegistryException.class).hasMessageContaining("link-local");
    assertThatThrownBy(() -> Hosts.checkRealm("https://0.0.0.0/token", "r.example.com", TLS_REGISTRY, defaults))
        .isInstanceOf(RegistryException.class).hasMessageContaining("wildcard");
    assertThatThrownBy(() -> Hosts.checkRealm("file:///etc/passwd", "r.example.com", TLS_REGISTRY, defaults))
        .isInstanceOf(RegistryException.class).hasMessageContaining("not an http(s) URL");
    assertThatThrownBy(() -> Hosts.checkRealm("https://user:pw@auth.example.com/t", "r.example.com", TLS_REGISTRY, defaults))
        .isInstanceOf(RegistryException.class).hasMessageNotContaining("pw");
  }

  @Test
  void overHttpsTheTokenServiceGetsTheCredentialsWhereverItIs() throws Exception {
    assertThat(Hosts.checkRealm("https://127.0.0.2:8443/token", "r.example.com", TLS_REGISTRY, defaults).withheld())
        .isEmpty();
    // A plain-HTTP loopback service named by a registry that answered over HTTPS: the registry's own word.
    assertThat(Hosts.checkRealm("http://127.0.0.1:9000/token", "r.example.com", TLS_REGISTRY, defaults).withheld())
        .isEmpty();
  }

  @Test
  void overPlainHttpOnlyTheRegistrysOwnOriginGetsTheCredentials() throws Exception {
    assertThat(Hosts.checkRealm("http://127.0.0.1:5000/token", "127.0.0.1:5000", LOCAL_REGISTRY, defaults).withheld())
        .isEmpty();
    // Another loopback address, another port, another scheme: each another origin.
    for (String other : new String[] {"http://127.0.0.2:5000/token", "http://127.0.0.1:5001/token",
        "http://localhost:5000/token", "https://127.0.0.1:5000/token"}) {
      assertThat(Hosts.checkRealm(other, "127.0.0.1:5000", LOCAL_REGISTRY, defaults).withheld())
          .as(other).hasValueSatisfying(why -> assertThat(why).contains("withInsecureRegistry")
              .contains("not at the registry's origin"));
    }
    assertThat(Hosts.checkRealm("http://127.0.0.2:5000/token", "127.0.0.1:5000", LOCAL_REGISTRY, defaults).withheld())
        .hasValueSatisfying(why -> assertThat(why).contains("list 127.0.0.2:5000 with"));
  }

  @Test
  void anOriginListedAsInsecureIsTrustedWithTheCredentials() throws Exception {
    RegistryOptions trusting = defaults.withInsecureRegistry("127.0.0.2:5001");
    assertThat(Hosts.checkRealm("http://127.0.0.2:5001/token", "127.0.0.1:5000", LOCAL_REGISTRY, trusting).withheld())
        .isEmpty();
    assertThat(Hosts.checkRealm("http://127.0.0.2:5002/token", "127.0.0.1:5000", LOCAL_REGISTRY, trusting).withheld())
        .isPresent();
    RegistryOptions wholeHost = defaults.withInsecureRegistry("127.0.0.2");
    assertThat(Hosts.checkRealm("http://127.0.0.2:5002/token", "127.0.0.1:5000", LOCAL_REGISTRY, wholeHost).withheld())
        .isEmpty();
    RegistryOptions v6 = defaults.withInsecureRegistry("[::1]:5001");
    assertThat(Hosts.checkRealm("http://[::1]:5001/token", "127.0.0.1:5000", LOCAL_REGISTRY, v6).withheld()).isEmpty();
    // Naming the registry itself trusts no other origin.
    RegistryOptions registryOnly = defaults.withInsecureRegistry("127.0.0.1:5000");
    assertThat(Hosts.checkRealm("http://127.0.0.1:5001/token", "127.0.0.1:5000", LOCAL_REGISTRY, registryOnly)
        .withheld()).isPresent();
  }
}
