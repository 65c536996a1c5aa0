package io.github.prefine.core.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HubHttp#sendFollowingRedirects}, the one redirect loop of the Hub clients, against two
 * real JDK servers on loopback: the endpoint, and a content host on another port (another origin).
 */
class HubHttpTest {
    private static final String TOKEN = "hf_secret";

    @TempDir
    Path tmp;

    private HttpServer hub;
    private HttpServer cdn;
    /** Each request as "server path authorization". */
    private final List<String> seen = new CopyOnWriteArrayList<>();
    /** Each request's path and query as they came on the request line, percent-encoding and all. */
    private final List<String> raw = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        hub = server("hub");
        cdn = server("cdn");
    }

    @AfterEach
    void stop() {
        hub.stop(0);
        cdn.stop(0);
    }

    /** Answers /ok with 200, /to/X with a redirect to X, /loop with a redirect to itself, /bare with a 302 and no Location,
     * /odd with a 302 to a Location that is no URI. */
    private HttpServer server(String name) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            seen.add(name + " " + path + " " + ex.getRequestHeaders().getFirst("Authorization"));
            raw.add(ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? ""
                    : "?" + ex.getRequestURI().getRawQuery()));
            if (path.startsWith("/to/")) {
                ex.getResponseHeaders().set("Location", URI.create(path.substring(4).replace("~", "/")).toString());
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/loop")) {
                ex.getResponseHeaders().set("Location", "/loop");
                ex.sendResponseHeaders(307, -1);
            } else if (path.equals("/signed-loop")) {
                // a content host that signs each hop, as a CDN's redirect to itself may
                ex.getResponseHeaders().set("Location", "/signed-loop?X-Amz-Signature=s3cr3t");
                ex.sendResponseHeaders(307, -1);
            } else if (path.equals("/bare")) {
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/scheme")) {
                // a Location the HTTP client cannot request: another scheme, no host
                ex.getResponseHeaders().set("Location", ex.getRequestURI().getQuery());
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/query") && ex.getRequestURI().getRawQuery() == null) {
                // RFC 3986 section 5.2.2: a reference that is only a query keeps the whole path
                ex.getResponseHeaders().set("Location", "?page=2");
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/dots")) {
                // RFC 3986 section 5.2.4: dot segments above the root are removed, not sent
                ex.getResponseHeaders().set("Location", "/../ok");
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/utf8")) {
                // raw UTF-8 in a header: the JDK reads each byte as a Latin-1 character
                ex.getResponseHeaders().set("Location", new String("/files/\u00e9t\u00e9.json".getBytes(
                        StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/latin1")) {
                // one byte 0xE9: Latin-1 for "\u00e9", no UTF-8
                ex.getResponseHeaders().set("Location", "/files/caf\u00e9.json");
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/nfd")) {
                // UTF-8 of "e" and a combining acute accent (NFD, as macOS writes file names), not of "\u00e9"
                ex.getResponseHeaders().set("Location", new String("/files/cafe\u0301.json".getBytes(
                        StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/encoded")) {
                // already percent-encoded, with a byte that is no UTF-8 (%e9) and a lower-case escape
                ex.getResponseHeaders().set("Location", "/files/a%20b%2Fc%C3%A9%e9.json?x=%2F%7e&y=%25");
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/bracket")) {
                // a bracket outside a host: no URI reference even once quoted, as the JDK parses one
                ex.getResponseHeaders().set("Location", "/files/[x]?sig=s3cr3t");
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/odd")) {
                // a space and a bar: no URI reference (RFC 3986), as a broken proxy might send
                ex.getResponseHeaders().set("Location", "/files/a b|c");
                ex.sendResponseHeaders(302, -1);
            } else {
                byte[] body = (name + " ok").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        s.start();
        return s;
    }

    private URI at(HttpServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.getAddress().getPort() + path);
    }

    private HttpResponse<String> get(String path, boolean stopAtOtherHost) throws IOException {
        HubHttp http = HubHttp.builder().setSettings(new HubSettings(at(hub, ""), tmp, false, TOKEN)).build();
        return http.sendFollowingRedirects(u -> http.request(u).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), at(hub, path), stopAtOtherHost, "acme/m", "f");
    }

    /** A Location for /to/: the target with its slashes as "~" (one path segment). */
    private String to(URI target) {
        return "/to/" + target.toString().replace("/", "~");
    }

    @Test
    void followsRedirectsOnTheHostWithTheTokenAndToAnotherHostWithout() throws IOException {
        HttpResponse<String> r = get("/to/~ok", false);
        assertEquals(200, r.statusCode());
        assertEquals("hub ok", r.body());
        assertEquals(at(hub, "/ok"), r.uri());
        assertEquals(List.of("hub /to/~ok Bearer " + TOKEN, "hub /ok Bearer " + TOKEN), seen);

        seen.clear();
        r = get(to(at(cdn, "/ok")), false);
        assertEquals("cdn ok", r.body());
        assertEquals(at(cdn, "/ok"), r.uri());
        // the token never leaves the endpoint's host
        assertEquals(List.of("hub " + to(at(cdn, "/ok")) + " Bearer " + TOKEN, "cdn /ok null"), seen);
    }

    @Test
    void stopsAtARedirectToAnotherHostWhenAsked() throws IOException {
        HttpResponse<String> r = get(to(at(cdn, "/ok")), true);
        assertEquals(302, r.statusCode());
        assertEquals(at(cdn, "/ok").toString(), r.headers().firstValue("Location").orElseThrow());
        assertEquals(1, seen.size(), "nothing asked of the other host: " + seen);
    }

    @Test
    void aRedirectWithoutLocationAndALoopAreErrorsNamingRepoAndFile() {
        HubException e = assertThrows(HubException.class, () -> get("/bare", false));
        assertEquals(302, e.statusCode());
        assertEquals("acme/m: f: redirect 302 without a Location header", e.getMessage());

        seen.clear();
        e = assertThrows(HubException.class, () -> get("/loop", false));
        assertEquals(307, e.statusCode());
        assertEquals("acme/m: f: more than 5 redirects (the last from " + at(hub, "/loop") + " to " + at(hub, "/loop")
                + ")", e.getMessage());
        assertEquals(1 + HubHttp.MAX_REDIRECTS, seen.size(), "the first request and five hops");
    }

    /** A content host's signature, a credential for a while, is not repeated in a message. */
    @Test
    void aRedirectLoopOnAContentHostIsNamedWithoutItsSignature() {
        HubException e = assertThrows(HubException.class, () -> get(to(at(cdn, "/signed-loop")), false));

        assertEquals("acme/m: f: more than 5 redirects (the last from " + at(cdn, "/signed-loop") + "?... to "
                + at(cdn, "/signed-loop") + "?...)", e.getMessage());
    }

    @Test
    void aLocationThatIsNoUriIsAHubErrorNamingItNotAnIllegalArgument() {
        // the URI parser's IllegalArgumentException escaped every caller's IOException handling
        HubException e = assertThrows(HubException.class, () -> get("/bracket", false));
        assertEquals(302, e.statusCode());
        assertEquals("acme/m: f: redirect 302 from " + at(hub, "/bracket") + " to a Location that is no URI reference,"
                + " found '/files/[x]?...'", e.getMessage());
        assertEquals(1, seen.size(), "nothing asked of the unreadable target: " + seen);
    }

    /**
     * A {@code Location} with characters no URI may hold (a space, a bar, a lone {@code %}) was
     * refused; it is requested with them percent-encoded, as {@code requests}' {@code requote_uri}
     * and a browser request it.
     */
    @Test
    void aLocationWithCharactersNoUriMayHoldIsRequestedWithThemPercentEncoded() throws IOException {
        HttpResponse<String> r = get("/odd", false);
        assertEquals(200, r.statusCode());
        assertEquals(List.of("/odd", "/files/a%20b%7Cc"), raw);
        assertEquals(URI.create("http://a/x%20y%7B%7D%5E%25z%41?q=%22v%22"),
                HubHttp.resolveReference(URI.create("http://a/b"), "/x y{}^%z%41?q=\"v\""));
    }

    /**
     * A host beyond ASCII in a {@code Location} (raw UTF-8, as a server writes it; else Latin-1, as
     * {@code requests} then reads the header) is requested in its IDNA ASCII form, as {@code
     * requests} and a browser request it; it named no host and was refused. One with no such form
     * is refused naming it.
     */
    @Test
    void aLocationWithAnInternationalHostIsResolvedToItsAsciiForm() {
        URI base = URI.create("http://a/b");
        String utf8 = new String("http://b\u00fccher.example:8080/x?q".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1);
        assertEquals(URI.create("http://xn--bcher-kva.example:8080/x?q"), HubHttp.resolveReference(base, utf8));
        // one Latin-1 byte, no UTF-8; the user information is left as it is
        assertEquals(URI.create("https://u:p@xn--caf-dma.example/x"),
                HubHttp.resolveReference(base, "https://u:p@caf\u00e9.example/x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HubHttp.resolveReference(base, "http://" + "\u00fc".repeat(70) + ".example/x"));
        assertTrue(e.getMessage().startsWith("its host '" + "\u00fc".repeat(70) + ".example' is no internationalised"
                + " domain name"), e.getMessage());
    }

    @Test
    void aLocationTheClientCannotRequestIsAHubErrorNamingItNotAnIllegalArgument() {
        // the request builder's IllegalArgumentException ("invalid URI scheme") escaped every caller's
        // IOException handling, also when the redirect was handed back unfollowed as a file's download URL
        // (a port past 65535 too: the client's InetSocketAddress refused it with "port out of range")
        for (String location : List.of("ftp://127.0.0.1/x", "file:///etc/passwd", "mailto:hub@example.org",
                "http:///no-host", "http://127.0.0.1:65536/x")) {
            for (boolean stopAtOtherHost : List.of(false, true)) {
                seen.clear();
                String path = "/scheme?" + location;
                HubException e = assertThrows(HubException.class, () -> get(path, stopAtOtherHost), location);
                assertEquals(302, e.statusCode());
                assertEquals("acme/m: f: redirect 302 from " + at(hub, "/scheme") + "?... to '" + location
                        + "', which is no http or https URL with a host and a port up to 65535", e.getMessage());
                assertEquals(1, seen.size(), "nothing asked of the target: " + seen);
            }
        }
    }

    @Test
    void aRelativeLocationIsResolvedAsRfc3986Says() throws IOException {
        // java.net.URI.resolve follows RFC 2396: "?page=2" dropped the last path segment, and "/../ok"
        // was requested as it stood
        HttpResponse<String> r = get("/query", false);
        assertEquals(at(hub, "/query?page=2"), r.uri());
        assertEquals(List.of("hub /query Bearer " + TOKEN, "hub /query Bearer " + TOKEN), seen);

        seen.clear();
        r = get("/dots", false);
        assertEquals(at(hub, "/ok"), r.uri());
        assertEquals(List.of("hub /dots Bearer " + TOKEN, "hub /ok Bearer " + TOKEN), seen);

        // the base's scheme without an authority, as requests reads it (urljoin's non-strict reading)
        seen.clear();
        r = get("/scheme?http:ok", false);
        assertEquals(at(hub, "/ok"), r.uri());
        assertEquals(List.of("hub /scheme Bearer " + TOKEN, "hub /ok Bearer " + TOKEN), seen);
    }

    @Test
    void referencesResolveAsTheExamplesOfRfc3986() {
        // RFC 3986 section 5.4, normal and abnormal examples, word for word (fragments dropped: never sent)
        URI base = URI.create("http://a/b/c/d;p?q");
        String[][] examples = {{"g:h", "g:h"}, {"g", "http://a/b/c/g"}, {"./g", "http://a/b/c/g"},
            {"g/", "http://a/b/c/g/"}, {"/g", "http://a/g"}, {"//g", "http://g"}, {"?y", "http://a/b/c/d;p?y"},
            {"g?y", "http://a/b/c/g?y"}, {"#s", "http://a/b/c/d;p?q"}, {"g#s", "http://a/b/c/g"},
            {"g?y#s", "http://a/b/c/g?y"}, {";x", "http://a/b/c/;x"}, {"g;x", "http://a/b/c/g;x"},
            {"g;x?y#s", "http://a/b/c/g;x?y"}, {"", "http://a/b/c/d;p?q"}, {".", "http://a/b/c/"},
            {"./", "http://a/b/c/"}, {"..", "http://a/b/"}, {"../", "http://a/b/"}, {"../g", "http://a/b/g"},
            {"../..", "http://a/"}, {"../../", "http://a/"}, {"../../g", "http://a/g"},
            {"../../../g", "http://a/g"}, {"../../../../g", "http://a/g"}, {"/./g", "http://a/g"},
            {"/../g", "http://a/g"}, {"g.", "http://a/b/c/g."}, {".g", "http://a/b/c/.g"},
            {"g..", "http://a/b/c/g.."}, {"..g", "http://a/b/c/..g"}, {"./../g", "http://a/b/g"},
            {"./g/.", "http://a/b/c/g/"}, {"g/./h", "http://a/b/c/g/h"}, {"g/../h", "http://a/b/c/h"},
            {"g;x=1/./y", "http://a/b/c/g;x=1/y"}, {"g;x=1/../y", "http://a/b/c/y"}, {"g?y/./x", "http://a/b/c/g?y/./x"},
            {"g?y/../x", "http://a/b/c/g?y/../x"}, {"g#s/./x", "http://a/b/c/g"},
            // section 5.2.2 lets a parser read the base's own scheme without an authority as relative, "for
            // backward compatibility": Python's urljoin (so requests) and WHATWG's URL parser do; "http:g" as it
            // stands names no host, and the redirect that requests follows failed here
            {"http:g", "http://a/b/c/g"}, {"HTTP:g", "http://a/b/c/g"}, {"http:/g", "http://a/g"},
            {"http:?y", "http://a/b/c/d;p?y"}, {"http:", "http://a/b/c/d;p?q"}, {"https:g", "https:g"}};
        for (String[] e : examples) {
            assertEquals(e[1], HubHttp.resolve(base, e[0]).toString(), e[0]);
        }
        // a base with an authority and no path merges under "/" (section 5.2.3)
        assertEquals("http://a/g", HubHttp.resolve(URI.create("http://a"), "g").toString());
    }

    @Test
    void aLocationInRawUtf8IsReadAsUtf8() throws IOException {
        // as requests' get_redirect_target: the JDK reads header bytes as Latin-1, so "\u00e9" arrived as
        // two characters and was requested percent-encoded twice over
        HttpResponse<String> r = get("/utf8", false);
        assertEquals(200, r.statusCode());
        assertEquals(List.of("hub /utf8 Bearer " + TOKEN, "hub /files/\u00e9t\u00e9.json Bearer " + TOKEN), seen);
        assertEquals(at(hub, "/files/%C3%A9t%C3%A9.json").toString(), r.uri().toASCIIString());
        assertEquals(List.of("/utf8", "/files/%C3%A9t%C3%A9.json"), raw);
    }

    @Test
    void aLocationIsRequestedWithTheBytesTheServerSent() throws IOException {
        // the JDK's client percent-encodes a URI's non-ASCII characters as UTF-8 after NFC normalisation:
        // a Latin-1 byte 0xE9 (no UTF-8) was asked for as %C3%A9, and NFD "e\u0301" as NFC "\u00e9", so a
        // content host that stores the name it sent answered 404; requests quotes the bytes unnormalised
        for (String[] c : new String[][] {{"/latin1", "/files/caf%E9.json"}, {"/nfd", "/files/cafe%CC%81.json"},
            {"/encoded", "/files/a%20b%2Fc%C3%A9%e9.json?x=%2F%7e&y=%25"}}) {
            raw.clear();
            HttpResponse<String> r = get(c[0], false);
            assertEquals(200, r.statusCode(), c[0]);
            assertEquals(List.of(c[0], c[1]), raw, c[0]);
            assertEquals(at(hub, c[1]).toString(), r.uri().toASCIIString(), c[0]);
        }
    }

    @Test
    void resolveReferenceRefusesABaseItCannotResolveAgainst() {
        // a relative base gave "null:/a/c" (its scheme, printed), an opaque one "mailto:c"; a null one passed
        // unnoticed whenever the value was absolute
        for (String base : List.of("/a/b", "a/b", "mailto:hub@example.org")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HubHttp.resolveReference(URI.create(base), "c"), base);
            assertEquals("base must be an absolute hierarchical URI such as https://huggingface.co/api, found "
                    + base, e.getMessage());
        }
        NullPointerException n = assertThrows(NullPointerException.class,
                () -> HubHttp.resolveReference(null, "http://a/c"));
        assertEquals("base", n.getMessage());
        n = assertThrows(NullPointerException.class, () -> HubHttp.resolveReference(URI.create("http://a/b"), null));
        assertEquals("value", n.getMessage());
        // the value's own mistakes stay those of a value that is no URI reference (a space is now encoded)
        assertThrows(IllegalArgumentException.class, () -> HubHttp.resolveReference(URI.create("http://a/b"), "a[b]"));
        assertEquals("http://a/c", HubHttp.resolveReference(URI.create("http://a/b"), "c").toString());
    }

    /** A GET of a URL through a HubHttp whose environment holds the given variables. */
    private HttpResponse<String> getWith(Map<String, String> env, URI endpoint, String path) throws IOException {
        HubHttp http = HubHttp.builder().setSettings(new HubSettings(endpoint, tmp, false, TOKEN)).environment(env).build();
        return http.sendFollowingRedirects(u -> http.request(u).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), endpoint.resolve(path), false, "acme/m", "f");
    }

    @Test
    void anEndpointIsReachedThroughTheProxyTheEnvironmentNames() throws IOException {
        // as requests (huggingface_hub's client) reads them; a host under .invalid never resolves, so
        // the answer can only come through the proxy, which gets the absolute URL
        String proxy = "http://127.0.0.1:" + cdn.getAddress().getPort();
        HttpResponse<String> r = getWith(Map.of("HTTP_PROXY", proxy), URI.create("http://hub.invalid"), "/ok");
        assertEquals("cdn ok", r.body());
        assertEquals(List.of("cdn /ok Bearer " + TOKEN), seen);

        seen.clear();
        // the lower-case name wins over the upper-case one, as in Python's urllib
        r = getWith(Map.of("http_proxy", proxy, "HTTP_PROXY", "http://127.0.0.1:1"), URI.create("http://hub.invalid"),
                "/ok");
        assertEquals("cdn ok", r.body());

        seen.clear();
        // ALL_PROXY serves a scheme without a variable of its own
        r = getWith(Map.of("ALL_PROXY", proxy), URI.create("http://hub.invalid"), "/ok");
        assertEquals("cdn ok", r.body());
    }

    @Test
    void noProxyNamesTheHostsReachedDirectly() throws IOException {
        String proxy = "http://127.0.0.1:" + cdn.getAddress().getPort();
        for (String noProxy : List.of("hub.invalid", "localhost, .invalid", "*", "hub.invalid:80")) {
            // asked directly, the host that never resolves cannot be reached
            HubServiceException e = assertThrows(HubServiceException.class,
                    () -> getWith(Map.of("HTTP_PROXY", proxy, "NO_PROXY", noProxy), URI.create("http://hub.invalid"), "/ok"));
            assertTrue(e.getMessage().contains("cannot reach http://hub.invalid"), e.getMessage());
        }
        assertEquals(List.of(), seen, "nothing asked of the proxy");
        // a suffix matches the domain's hosts, another port does not match
        EnvironmentProxies p = EnvironmentProxies.of(Map.of("HTTPS_PROXY", "proxy.corp:3128",
                "no_proxy", ".internal,hf.example:8443"));
        assertEquals(List.of(java.net.Proxy.NO_PROXY), p.select(URI.create("https://models.internal/x")));
        assertEquals(List.of(java.net.Proxy.NO_PROXY), p.select(URI.create("https://internal/x")));
        assertEquals(List.of(java.net.Proxy.NO_PROXY), p.select(URI.create("https://hf.example:8443/x")));
        assertEquals("proxy.corp:3128", p.select(URI.create("https://hf.example/x")).get(0).address().toString()
                .replace("/<unresolved>", ""));
        assertEquals("proxy.corp:3128", p.select(URI.create("https://huggingface.co/x")).get(0).address().toString()
                .replace("/<unresolved>", ""));
        // no variable for http: direct
        assertEquals(List.of(java.net.Proxy.NO_PROXY), p.select(URI.create("http://huggingface.co/x")));
        // the loopback host always, as the JDK's selector: a proxied machine's local mirror and test servers
        for (String local : List.of("https://127.0.0.1:8443/x", "https://localhost/x", "https://[::1]:9/x")) {
            assertEquals(List.of(java.net.Proxy.NO_PROXY), p.select(URI.create(local)), local);
        }
    }

    /**
     * Only the loopback host the JDK's selector also bypasses goes direct unasked: a name under
     * {@code .localhost} went direct too, which neither the JDK nor {@code requests} does, and which
     * the hosts file or DNS may send to another machine than this one.
     */
    @Test
    void aNameUnderLocalhostIsProxiedAsTheJdkAndRequestsProxyIt() {
        EnvironmentProxies p = EnvironmentProxies.of(Map.of("HTTPS_PROXY", "proxy.corp:3128"));
        for (String proxied : List.of("https://hub.localhost/x", "https://a.b.localhost:8443/x", "https://127.example/x",
                "https://localhost.example/x")) {
            assertEquals("proxy.corp:3128", p.select(URI.create(proxied)).get(0).address().toString()
                    .replace("/<unresolved>", ""), proxied);
        }
        for (String local : List.of("https://localhost:8443/x", "https://LOCALHOST/x", "https://127.255.0.1/x",
                "https://[::1]/x")) {
            assertEquals(List.of(java.net.Proxy.NO_PROXY), p.select(URI.create(local)), local);
        }
        // named in no_proxy, it goes direct as any host does
        EnvironmentProxies named = EnvironmentProxies.of(Map.of("HTTPS_PROXY", "proxy.corp:3128", "NO_PROXY", ".localhost"));
        assertEquals(List.of(java.net.Proxy.NO_PROXY), named.select(URI.create("https://hub.localhost/x")));
    }

    @Test
    void noProxyAddressRangesMatchTheAddressesInThemAndNoHostName() {
        // as requests' should_bypass_proxies: a NETWORK/BITS entry matches a URL whose host is an address in
        // it (memberships below worked out by hand from the prefix bits); a host name is never looked up
        java.io.PrintStream realErr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        EnvironmentProxies p;
        try {
            System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            p = EnvironmentProxies.of(Map.of("HTTPS_PROXY", "proxy.corp:3128", "no_proxy",
                    "10.0.0.0/8, 192.168.1.0/24,172.16.0.0/12,fd00::/8,203.0.113.7/32,198.51.100.0/33,0.0.0.0/0"));
        } finally {
            System.setErr(realErr);
        }
        // the two bad ranges are said, each once, not dropped silently
        List<String> warned = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("no_proxy entry"))
                .toList();
        assertEquals(2, warned.size(), warned.toString());
        assertTrue(warned.get(0).contains("198.51.100.0/33 is no address range"), warned.toString());
        assertTrue(warned.get(1).contains("0.0.0.0/0 is no address range"), warned.toString());
        for (String direct : List.of("https://10.255.1.2/x", "https://10.0.0.1:8443/x", "https://192.168.1.77/x",
                "https://172.31.255.254/x", "https://203.0.113.7/x", "https://[fd12:3456::1]/x", "https://[fdff::]:8443/x",
                // an IPv4-mapped IPv6 address is its IPv4 address, as the JDK connects to it
                "https://[::ffff:10.1.2.3]/x")) {
            assertEquals(List.of(java.net.Proxy.NO_PROXY), p.select(URI.create(direct)), direct);
        }
        for (String proxied : List.of("https://11.0.0.1/x", "https://192.168.2.1/x", "https://192.168.0.255/x",
                "https://172.32.0.1/x", "https://172.15.255.255/x", "https://203.0.113.8/x", "https://[fe80::1]/x",
                "https://[fc00::1]/x", "https://[::ffff:11.1.2.3]/x",
                // a bad prefix (33, and 0, which requests refuses too) matches nothing
                "https://198.51.100.1/x", "https://8.8.8.8/x",
                // a name is never resolved to be compared with a range
                "https://hub.corp/x", "https://10.corp/x")) {
            assertEquals("proxy.corp:3128", p.select(URI.create(proxied)).get(0).address().toString()
                    .replace("/<unresolved>", ""), proxied);
        }
    }

    /**
     * The bypass decision runs on every request: no {@code no_proxy} value, however malformed (broken
     * ranges, stray brackets, colons, zone ids, non-ASCII digits), may make it throw, and a {@code *}
     * entry anywhere in the list still sends every host directly, as the class documents.
     */
    @Test
    void malformedNoProxyValuesNeverThrowFromTheProxyDecision() {
        List<String> pieces = List.of("10", "0", "1", "255", "256", "999", "0123", "fd00", "ffff", "fe80", "a", "x",
                "corp", "hub", ".", "..", "/", "//", ":", "::", "[", "]", "*", "*.", ",", ", ", " ", "\t", "%", "%25",
                "-", "_", "+", "e", "\u0661", "\u0130", "\u00E9", "\uD83D\uDE00", "8", "32", "33", "128", "129",
                "65535", "99999", "0x1", "::ffff:", "1.2.3.4", "[::1]");
        List<URI> uris = List.of(URI.create("https://huggingface.co/x"), URI.create("https://10.1.2.3:8443/x"),
                URI.create("http://[fd00::1]/x"), URI.create("https://[::ffff:10.1.2.3]/x"),
                URI.create("https://[fe80::1%25eth0]/x"), URI.create("https://under_score.corp/x"),
                URI.create("https://hub.corp./x"), URI.create("https://[::]/x"), URI.create("http://a/x"));
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2807);
        java.io.PrintStream realErr = System.err;
        int all = 0;
        try {
            // the warnings for the ranges that are none are expected; kept out of the test's output
            System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
            for (int n = 0; n < 600; n++) {
                StringBuilder b = new StringBuilder();
                for (int k = 1 + rnd.nextInt(10); k > 0; k--) {
                    b.append(pieces.get(rnd.nextInt(pieces.size())));
                }
                String noProxy = b.toString();
                EnvironmentProxies p = EnvironmentProxies.of(Map.of("HTTPS_PROXY", "proxy.corp:3128", "HTTP_PROXY",
                        "http://u:p@proxy.corp:3128", "NO_PROXY", noProxy));
                boolean star = java.util.Arrays.stream(noProxy.replace(" ", "").split(",")).anyMatch("*"::equals);
                all += star ? 1 : 0;
                for (URI u : uris) {
                    String what = "NO_PROXY=" + noProxy + ", " + u;
                    List<java.net.Proxy> chosen = org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> p.select(u),
                            what);
                    org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> p.refusal(u), what);
                    org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> p.authorization(u), what);
                    org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> p.explain407(u, u.toString()), what);
                    if (star) {
                        assertEquals(List.of(java.net.Proxy.NO_PROXY), chosen, what);
                        assertTrue(p.authorization(u).isEmpty(), what);
                    }
                }
            }
        } finally {
            System.setErr(realErr);
        }
        assertTrue(all > 0, "no value held a * entry");
    }

    @Test
    void noProxyIpv6AddressesMatchWithOrWithoutBracketsAndTheirPort() {
        // requests compares the host without its brackets, as urlparse gives it; both spellings are read
        EnvironmentProxies p = EnvironmentProxies.of(Map.of("HTTPS_PROXY", "proxy.corp:3128", "no_proxy",
                "fd00::1,[fd00::2],[fd00::3]:8443"));
        for (String direct : List.of("https://[fd00::1]/x", "https://[FD00::1]:9/x", "https://[fd00::2]/x",
                "https://[fd00::3]:8443/x")) {
            assertEquals(List.of(java.net.Proxy.NO_PROXY), p.select(URI.create(direct)), direct);
        }
        for (String proxied : List.of("https://[fd00::4]/x", "https://[fd00::3]/x", "https://[fd00::3]:8444/x")) {
            assertEquals("proxy.corp:3128", p.select(URI.create(proxied)).get(0).address().toString()
                    .replace("/<unresolved>", ""), proxied);
        }
    }

    @Test
    void aProxyTheHttpClientCannotUseIsNeverSelectedAndTheLoopbackHostIsStillReached() throws IOException {
        // a SOCKS proxy (a VPN's ALL_PROXY) is never handed to the client (HubProxyTest: the requests it would
        // carry are refused); it must not stop a resolve of a local folder, a cached model or a loopback mirror
        EnvironmentProxies p = EnvironmentProxies.of(Map.of("ALL_PROXY", "socks5://127.0.0.1:1080"));
        assertEquals(List.of(java.net.Proxy.NO_PROXY), p.select(URI.create("https://huggingface.co/x")));
        for (String unusable : List.of("https://proxy.corp:443", "http://proxy.corp:70000", "http://proxy corp:1")) {
            assertFalse(EnvironmentProxies.of(Map.of("HTTPS_PROXY", unusable)).any(), unusable);
        }
        HttpResponse<String> r = getWith(Map.of("all_proxy", "socks5h://127.0.0.1:1"), at(hub, ""), "/ok");
        assertEquals("hub ok", r.body());
    }

    /** Messages name URLs without a password, and without a query (see also the test below). */
    @Test
    void aUrlIsShownWithoutUserInformationAndWithoutAnotherHostsQuery() {
        HubHttp http = HubHttp.builder().setSettings(new HubSettings(URI.create("https://mirror.example"), tmp, false,
                TOKEN)).build();
        assertEquals("https://mirror.example/api/datasets/a/b/tree/main?...",
                http.shown(URI.create("https://mirror.example/api/datasets/a/b/tree/main?cursor=2")));
        assertEquals("https://cdn.example:8443/blobs/ab%20c?...",
                http.shown(URI.create("https://cdn.example:8443/blobs/ab%20c?X-Amz-Signature=s3cr3t&X-Amz-Expires=3600")));
        assertEquals("https://mirror.example/x", http.shown(URI.create("https://user:pa55@mirror.example/x")));
        assertEquals("http://[::1]:81/x?...", http.shown(URI.create("http://u:pa55@[::1]:81/x?sig=1")));
        assertEquals("https://cdn.example/plain", http.shown(URI.create("https://cdn.example/plain")));
    }

    /**
     * One redaction for every URL a message shows: the query is hidden on the endpoint's own host
     * too, where a mirror may sign its download URLs (or a proxy put a key) as a content host does.
     */
    @Test
    void theEndpointsOwnQueryIsHiddenAsAnotherHostsIs() {
        HubHttp http = HubHttp.builder().setSettings(new HubSettings(URI.create("https://mirror.example"), tmp, false,
                TOKEN)).build();
        assertEquals("https://mirror.example/blobs/ab?...",
                http.shown(URI.create("https://mirror.example/blobs/ab?X-Amz-Signature=s3cr3t")));
        assertEquals("https://mirror.example/api/models?...",
                http.shown(URI.create("https://user:pa55@mirror.example/api/models?key=s3cr3t")));
    }

    /**
     * A {@code Location} that cannot be followed was repeated raw in the message, password and
     * signature and all; it is shown as any URL is, without user information and query.
     */
    @Test
    void aLocationThatCannotBeFollowedIsShownWithoutItsPasswordOrQuery() {
        for (String[] c : new String[][] {{"http://u:pa55@127.0.0.1:65536/x?sig=s3cr3t", "http://127.0.0.1:65536/x?..."},
            {"ftp://u:pa55@127.0.0.1/x?sig=s3cr3t#f", "ftp://127.0.0.1/x?..."},
            {"//u:pa55@127.0.0.1:99999/x?sig=s3cr3t", "//127.0.0.1:99999/x?..."}}) {
            String path = "/scheme?" + c[0];
            HubException e = assertThrows(HubException.class, () -> get(path, false), c[0]);
            assertEquals("acme/m: f: redirect 302 from " + at(hub, "/scheme") + "?... to '" + c[1]
                    + "', which is no http or https URL with a host and a port up to 65535", e.getMessage());
        }
    }

    /**
     * An interrupt while a content host's URL is requested, or while its 503 waits for a retry, named
     * the URL whole: its query is the signature that grants access to the file for a while.
     */
    @Test
    void anInterruptedRequestToAContentHostNamesItsUrlWithoutItsSignature() throws IOException {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HttpServer busy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        busy.createContext("/held", ex -> {
            try {
                release.await(); // no answer while the client is interrupted: it cannot be complete
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        busy.createContext("/busy", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        busy.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        busy.start();
        try {
            HubHttp http = HubHttp.builder().setSettings(new HubSettings(at(hub, ""), tmp, false, TOKEN))
                    .sleeper(w -> {
                        throw new InterruptedException("test: interrupted while waiting");
                    }).build();
            for (String path : List.of("/busy", "/held")) {
                URI signed = at(busy, path + "?Expires=1&Signature=s3cr3t");
                if (path.equals("/held")) {
                    Thread.currentThread().interrupt();
                }
                IOException e = assertThrows(IOException.class, () -> http.send(http.request(signed).GET().build(),
                        HttpResponse.BodyHandlers.discarding(), "acme/m", "f"), path);
                assertTrue(Thread.interrupted(), "the interrupt is kept for the caller: " + path);
                assertEquals("acme/m: f: interrupted while " + (path.equals("/busy") ? "waiting to retry " : "requesting ")
                        + at(busy, path) + "?...", e.getMessage());
            }
        } finally {
            release.countDown();
            busy.stop(0);
        }
    }

    @Test
    void anHttpEndpointsUpgradeToHttpsOnTheStandardPortsKeepsTheToken() {
        // requests' should_strip_auth keeps Authorization from http://HOST(:80) to https://HOST(:443), so a
        // mirror that upgrades every request served a private model to Python and refused it here with 401
        HubHttp http = HubHttp.builder().setSettings(new HubSettings(URI.create("http://mirror.example"), tmp, false,
                TOKEN)).build();
        assertTrue(http.sameHost(URI.create("https://mirror.example/acme/m/resolve/main/config.json")));
        assertTrue(http.sameHost(URI.create("https://Mirror.Example:443/x")));
        assertEquals("Bearer " + TOKEN, http.request(URI.create("https://mirror.example/x")).build().headers()
                .firstValue("Authorization").orElse(null));
        // another port on either side, another host, or the way down from https, is another origin
        assertFalse(http.sameHost(URI.create("https://mirror.example:8443/x")));
        assertFalse(http.sameHost(URI.create("https://cdn.mirror.example/x")));
        HubHttp on8080 = HubHttp.builder().setSettings(new HubSettings(URI.create("http://mirror.example:8080"), tmp,
                false, TOKEN)).build();
        assertFalse(on8080.sameHost(URI.create("https://mirror.example/x")));
        // only an http endpoint upgrades: https on port 80 is not the standard http port, whatever the number
        HubHttp httpsOn80 = HubHttp.builder().setSettings(new HubSettings(URI.create("https://mirror.example:80"), tmp,
                false, TOKEN)).build();
        assertFalse(httpsOn80.sameHost(URI.create("https://mirror.example/x")));
        HubHttp secure = HubHttp.builder().setSettings(new HubSettings(URI.create("https://mirror.example"), tmp, false,
                TOKEN)).build();
        assertFalse(secure.sameHost(URI.create("http://mirror.example/x")));
        assertTrue(secure.request(URI.create("http://mirror.example/x")).build().headers().firstValue("Authorization")
                .isEmpty());
    }

    @Test
    void aRedirectToTheEndpointsHostInAnotherCaseOrWithItsDefaultPortKeepsTheToken() throws IOException {
        // one origin, as requests sees it: its should_strip_auth keeps Authorization here, and a
        // private repository redirected so was refused with 401 when the token was dropped
        URI endpoint = URI.create("http://localhost:" + hub.getAddress().getPort());
        HttpResponse<String> r = getWith(Map.of(), endpoint, to(URI.create("http://LocalHost:" + hub.getAddress().getPort()
                + "/ok")));
        assertEquals("hub ok", r.body());
        assertEquals(2, seen.size(), seen.toString());
        assertEquals("hub /ok Bearer " + TOKEN, seen.get(1));
        HubHttp http = HubHttp.builder().setSettings(new HubSettings(URI.create("https://huggingface.co"), tmp, false,
                TOKEN)).build();
        assertTrue(http.sameHost(URI.create("https://huggingface.co:443/acme/m/resolve/main/config.json")));
        assertTrue(http.sameHost(URI.create("HTTPS://HuggingFace.co/x")));
        // another scheme, port or host is another origin
        assertFalse(http.sameHost(URI.create("http://huggingface.co/x")));
        assertFalse(http.sameHost(URI.create("https://huggingface.co:8443/x")));
        assertFalse(http.sameHost(URI.create("https://cdn-lfs.huggingface.co/x")));
    }
}
