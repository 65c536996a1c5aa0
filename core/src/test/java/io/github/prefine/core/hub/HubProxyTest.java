package io.github.prefine.core.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proxies that ask for credentials, and proxies the JDK's client cannot use, against real JDK
 * servers on loopback: a plain HTTP proxy that answers 407 unless {@code Proxy-Authorization}
 * carries the one user and password it knows (it answers proxied requests itself, as the Hub
 * behind it would), and a server requested directly.
 */
class HubProxyTest {
    private static final String TOKEN = "hf_secret";
    private static final String USER = "alice";
    /** A ':' and an '@' in it, percent-encoded in the variable as requests expects. */
    private static final String PASSWORD = "s3cr:t@x";
    private static final String PASSWORD_IN_URL = "s3cr%3At%40x";

    @TempDir
    Path tmp;

    private HttpServer proxy;
    private HttpServer direct;
    /** Each request the proxy got, as "URI | Proxy-Authorization | Authorization". */
    private final List<String> proxied = new CopyOnWriteArrayList<>();
    /** The Proxy-Authorization header each direct request carried. */
    private final List<String> directProxyAuth = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        // the value a client must send, built here from the user and the password as RFC 7617 says
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        proxy.createContext("/", ex -> {
            String pa = ex.getRequestHeaders().getFirst("Proxy-Authorization");
            proxied.add(ex.getRequestURI() + " | " + pa + " | " + ex.getRequestHeaders().getFirst("Authorization"));
            if (!expected.equals(pa)) {
                ex.getResponseHeaders().set("Proxy-Authenticate", "Basic realm=\"corp\"");
                ex.sendResponseHeaders(407, -1);
            } else if (ex.getRequestURI().getPath().equals("/moved")) {
                // as the Hub sends a file to its CDN: here a host that NO_PROXY names
                ex.getResponseHeaders().set("Location", mappedLoopback() + "/ok");
                ex.sendResponseHeaders(302, -1);
            } else {
                byte[] body = "proxied ok".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        proxy.start();
        direct = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        direct.createContext("/", ex -> {
            directProxyAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("Proxy-Authorization")));
            byte[] body = "direct ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        direct.start();
    }

    @AfterEach
    void stop() {
        proxy.stop(0);
        direct.stop(0);
    }

    /** The direct server as an IPv4-mapped IPv6 address: the loopback rule does not match it, NO_PROXY must. */
    private String mappedLoopback() {
        return "http://[::ffff:127.0.0.1]:" + direct.getAddress().getPort();
    }

    private String proxyUrl(String userInfo) {
        return "http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + proxy.getAddress().getPort();
    }

    /** A GET of the endpoint's path through a HubHttp whose environment holds the given variables. */
    private HttpResponse<String> getWith(Map<String, String> env, URI endpoint, String path) throws IOException {
        HubHttp http = HubHttp.builder().setSettings(new HubSettings(endpoint, tmp, false, TOKEN)).environment(env)
                .sleeper(w -> { }).build();
        return http.sendFollowingRedirects(u -> http.request(u).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), endpoint.resolve(path), false, "acme/m", "f");
    }

    /**
     * Only the loopback addresses go around the proxy, not a host name that starts like one: a name
     * such as {@code 127.hub.invalid} was requested directly, where a network reachable only through
     * the proxy cannot resolve it.
     */
    @Test
    void aHostNameThatStartsWith127IsNoLoopbackAddressAndGoesThroughTheProxy() throws IOException {
        HttpResponse<String> r = getWith(Map.of("HTTP_PROXY", proxyUrl(USER + ":" + PASSWORD_IN_URL)),
                URI.create("http://127.hub.invalid"), "/ok");

        assertEquals("proxied ok", r.body());
        assertEquals(1, proxied.size(), proxied.toString());
    }

    @Test
    void theCredentialsOfAnHttpProxyUrlAreSentToTheProxyDecodedAndNowhereElse() throws IOException {
        // hub.invalid never resolves: the answer can only come through the proxy
        Map<String, String> env = Map.of("HTTP_PROXY", proxyUrl(USER + ":" + PASSWORD_IN_URL));
        HttpResponse<String> r = getWith(env, URI.create("http://hub.invalid"), "/ok");
        assertEquals(200, r.statusCode(), proxied.toString());
        assertEquals("proxied ok", r.body());
        assertEquals(1, proxied.size(), "sent at once, not after a 407: " + proxied);
        assertTrue(proxied.get(0).endsWith(" | Bearer " + TOKEN), proxied.toString());

        // a host the proxy does not carry (the loopback host) gets no Proxy-Authorization
        URI local = URI.create("http://127.0.0.1:" + direct.getAddress().getPort());
        assertEquals("direct ok", getWith(env, local, "/ok").body());
        assertEquals(List.of("null"), directProxyAuth);
    }

    @Test
    void anAddressRangeInNoProxySendsItsAddressesAroundTheProxyAndOnlyThose() throws IOException {
        // the direct server by an address the loopback rule does not cover: only the range can send it around
        String proxyWithCredentials = proxyUrl(USER + ":" + PASSWORD_IN_URL);
        for (String range : List.of("127.0.0.0/8", "127.0.0.1/32", "::ffff:127.0.0.0/104")) {
            assertEquals("direct ok", getWith(Map.of("http_proxy", proxyWithCredentials, "no_proxy", "10.0.0.0/8,"
                    + range), URI.create(mappedLoopback()), "/ok").body(), range);
            assertEquals(List.of(), proxied, range + ": nothing asked of the proxy");
        }
        // a range that does not hold it: the proxy carries the request
        assertEquals("proxied ok", getWith(Map.of("http_proxy", proxyWithCredentials, "no_proxy",
                "10.0.0.0/8,128.0.0.0/1"), URI.create(mappedLoopback()), "/ok").body());
        assertEquals(1, proxied.size(), proxied.toString());
        assertEquals(3, directProxyAuth.size(), directProxyAuth.toString());
    }

    @Test
    void aHostInNoProxyGetsNoProxyAuthorizationAskedDirectlyOrRedirectedTo() throws IOException {
        Map<String, String> env = Map.of("http_proxy", proxyUrl(USER + ":" + PASSWORD_IN_URL), "no_proxy",
                "example.org,[::ffff:127.0.0.1]");
        assertEquals("direct ok", getWith(env, URI.create(mappedLoopback()), "/ok").body());
        assertEquals(List.of(), proxied, "NO_PROXY's host is not sent to the proxy");
        // a proxied answer that redirects there: the proxy gets the credentials, the server none
        assertEquals("direct ok", getWith(env, URI.create("http://hub.invalid"), "/moved").body());
        assertEquals(1, proxied.size(), proxied.toString());
        assertEquals(List.of("null", "null"), directProxyAuth);
    }

    @Test
    void a407SaysWhatTheProxyLackedAndNeverRepeatsThePassword() {
        // no credentials in the variable
        HubException e = assertThrows(HubException.class,
                () -> getWith(Map.of("http_proxy", proxyUrl(null)), URI.create("http://hub.invalid"), "/ok"));
        assertEquals(407, e.statusCode());
        assertEquals("acme/m: f: the proxy http_proxy (127.0.0.1:" + proxy.getAddress().getPort() + ") answered 407"
                + " Proxy Authentication Required for http://hub.invalid/ok: give its user and password in http_proxy as"
                + " http://USER:PASSWORD@HOST:PORT (percent-encode a ':', '@' or '/' in them)", e.getMessage());
        assertEquals(1, proxied.size(), "a refusal is not retried: " + proxied);

        // a wrong password
        e = assertThrows(HubException.class, () -> getWith(Map.of("HTTP_PROXY", proxyUrl(USER + ":wr0ng%40pw")),
                URI.create("http://hub.invalid"), "/ok"));
        assertEquals(407, e.statusCode());
        assertTrue(e.getMessage().endsWith(": it refused the user and password HTTP_PROXY gives"), e.getMessage());
        assertFalse(e.getMessage().contains("wr0ng"), e.getMessage());
        assertFalse(e.getMessage().contains(USER), e.getMessage());
    }

    /**
     * A proxy's 407 for a content host's download (another host than the endpoint's) named its URL
     * whole: the query there is the signature that grants access to the file for a while.
     */
    @Test
    void a407ForAContentHostsUrlNamesItWithoutItsSignature() {
        HubHttp http = HubHttp.builder().setSettings(new HubSettings(URI.create("http://hub.invalid"), tmp, false, TOKEN))
                .environment(Map.of("http_proxy", proxyUrl(null))).sleeper(w -> { }).build();
        URI signed = URI.create("http://cdn.invalid/blob/f?Expires=1&Signature=s3cr3t");

        HubException e = assertThrows(HubException.class, () -> http.sendFollowingRedirects(u -> http.request(u).GET()
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), signed, false, "acme/m", "f"));

        assertEquals(407, e.statusCode());
        assertTrue(e.getMessage().startsWith("acme/m: f: the proxy http_proxy (127.0.0.1:" + proxy.getAddress().getPort()
                + ") answered 407 Proxy Authentication Required for http://cdn.invalid/blob/f?...: give its user"),
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void aSocksOrHttpsProxyIsRefusedForTheUrlsItWouldCarryRatherThanBypassed() throws IOException {
        for (String[] unusable : List.of(new String[] {"ALL_PROXY", "socks5://127.0.0.1:1080",
                "ALL_PROXY must be an http:// proxy with a host (the JDK's HTTP client, which prefine uses, speaks to"
                        + " no other), found socks5://127.0.0.1"},
                new String[] {"http_proxy", "https://proxy.corp:443",
                        "http_proxy must be an http:// proxy with a host (the JDK's HTTP client, which prefine uses,"
                                + " speaks to no other), found https://proxy.corp"},
                new String[] {"HTTP_PROXY", "http://proxy.corp:70000", "HTTP_PROXY must name a port from 1 to 65535,"
                        + " found 70000"},
                new String[] {"HTTP_PROXY", "http://u:pa ss@proxy.corp:1", "HTTP_PROXY must be a proxy URL such as"
                        + " http://HOST:PORT, found one that is no URL"})) {
            HubException e = assertThrows(HubException.class, () -> getWith(Map.of(unusable[0], unusable[1]),
                    URI.create("http://hub.invalid"), "/ok"), unusable[1]);
            assertEquals(-1, e.statusCode());
            assertEquals("acme/m: f: " + unusable[2] + "; hub.invalid is not requested around it: name an http:// proxy"
                    + " in HTTP_PROXY, or add hub.invalid to NO_PROXY to reach it directly", e.getMessage());
            assertFalse(e.getMessage().contains("pa ss"), e.getMessage());
        }
        // what the proxy would not carry is requested as before: the loopback host, and the hosts in NO_PROXY
        URI local = URI.create("http://127.0.0.1:" + direct.getAddress().getPort());
        assertEquals("direct ok", getWith(Map.of("all_proxy", "socks5h://127.0.0.1:1"), local, "/ok").body());
        HubServiceException unreachable = assertThrows(HubServiceException.class, () -> getWith(Map.of("ALL_PROXY",
                "socks5://127.0.0.1:1080", "NO_PROXY", "hub.invalid"), URI.create("http://hub.invalid"), "/ok"));
        assertTrue(unreachable.getMessage().contains("cannot reach http://hub.invalid"), unreachable.getMessage());
    }

    @Test
    void anHttpsTunnelThroughAProxyWithCredentialsNamesTheJdkPropertyThatKeepsThemBack() throws Exception {
        // the JDK's default (net.properties) lists Basic; a JVM started otherwise sends them and this case does not arise
        assumeTrue(EnvironmentProxies.basicDisabledForTunnels(), "Basic is allowed for tunnels in this JVM");
        try (ServerSocket connectProxy = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<String> heads = new CopyOnWriteArrayList<>();
            Thread t = new Thread(() -> answer407(connectProxy, heads), "connect-proxy");
            t.setDaemon(true);
            t.start();
            String url = "http://" + USER + ":" + PASSWORD_IN_URL + "@127.0.0.1:" + connectProxy.getLocalPort();
            HubException e = assertThrows(HubException.class,
                    () -> getWith(Map.of("HTTPS_PROXY", url), URI.create("https://hub.invalid"), "/ok"));
            assertEquals(407, e.statusCode());
            assertEquals("acme/m: f: the proxy HTTPS_PROXY (127.0.0.1:" + connectProxy.getLocalPort() + ") answered 407"
                    + " Proxy Authentication Required for https://hub.invalid/ok: the JDK did not send the credentials"
                    + " HTTPS_PROXY gives, since it sends no Basic credentials through an HTTPS tunnel while"
                    + " jdk.http.auth.tunneling.disabledSchemes lists Basic, as its default does: start Java with"
                    + " -Djdk.http.auth.tunneling.disabledSchemes= (for example in JAVA_TOOL_OPTIONS) to let it send them",
                    e.getMessage());
            assertEquals(1, heads.size(), heads.toString());
            assertTrue(heads.get(0).startsWith("CONNECT hub.invalid:443 "), heads.get(0));
            // what the message says: the JDK kept the header back from the CONNECT
            assertFalse(heads.get(0).toLowerCase(java.util.Locale.ROOT).contains("proxy-authorization"), heads.get(0));
        }
    }

    /** Reads each request head on the socket and answers 407, as a proxy that wants credentials for a tunnel. */
    private static void answer407(ServerSocket server, List<String> heads) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                int c;
                while ((c = in.read()) >= 0) {
                    head.write(c);
                    if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                        break;
                    }
                }
                heads.add(head.toString(StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n"
                        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }
}
