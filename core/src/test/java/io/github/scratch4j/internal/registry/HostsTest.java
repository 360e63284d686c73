package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import org.junit.jupiter.api.Test;

class HostsTest {
  private final RegistryOptions defaults = RegistryOptions.defaults();

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
    assertThat(Hosts.checkRealm("https://127.0.0.1:8443/token", "r.example.com", true, defaults)).hasHost("127.0.0.1");
    assertThat(Hosts.checkRealm("http://127.0.0.1:9000/token", "127.0.0.1:5000", false, defaults)).hasPort(9000);
    assertThatThrownBy(() -> Hosts.checkRealm("http://10.1.2.3/token", "r.example.com", true, defaults))
        .isInstanceOf(RegistryException.class).hasMessageContaining("plain HTTP");
  }

  @Test
  void aChallengeOverPlainHttpCannotSendCredentialsToAnotherHost() {
    assertThatThrownBy(() -> Hosts.checkRealm("https://10.1.2.3/token", "127.0.0.1:5000", false, defaults))
        .isInstanceOf(RegistryException.class).hasMessageContaining("answered over plain HTTP");
  }

  @Test
  void linkLocalWildcardAndOddUrlsAreRefused() {
    assertThatThrownBy(() -> Hosts.checkRealm("https://169.254.169.254/latest/meta-data", "r.example.com", true, defaults))
        .isInstanceOf(RegistryException.class).hasMessageContaining("link-local");
    assertThatThrownBy(() -> Hosts.checkRealm("https://0.0.0.0/token", "r.example.com", true, defaults))
        .isInstanceOf(RegistryException.class).hasMessageContaining("wildcard");
    assertThatThrownBy(() -> Hosts.checkRealm("file:///etc/passwd", "r.example.com", true, defaults))
        .isInstanceOf(RegistryException.class).hasMessageContaining("not an http(s) URL");
    assertThatThrownBy(() -> Hosts.checkRealm("https://user:pw@auth.example.com/t", "r.example.com", true, defaults))
        .isInstanceOf(RegistryException.class).hasMessageNotContaining("pw");
  }
}
