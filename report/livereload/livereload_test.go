package livereload

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestServesOnlyTheDirectory(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if err := os.MkdirAll(filepath.Join(dir, "simclr"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<html><body><p>report</p></body></html>"), 0o644)
	os.WriteFile(filepath.Join(dir, "simclr", "loss.svg"), []byte("<svg/>"), 0o644)
	os.WriteFile(filepath.Join(parent, "secret.txt"), []byte("TOP-SECRET-CONTENT"), 0o644)
	if err := os.Symlink(filepath.Join(parent, "secret.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	hub := NewHub()
	hub.Publish(1, nil)
	h, err := Handler(dir, hub)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	get := func(path string) (int, string) {
		// A raw request, so that the client does not clean the path.
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/"); code != 200 || !strings.Contains(body, "report") || !strings.Contains(body, "EventSource") || !strings.Contains(body, "var good=1") {
		t.Errorf("/: %d %q", code, body)
	}
	if code, body := get("/simclr/loss.svg"); code != 200 || body != "<svg/>" {
		t.Errorf("/simclr/loss.svg: %d %q", code, body)
	}
	for _, p := range []string{"/../secret.txt", "/%2e%2e/secret.txt", "/simclr/../../secret.txt", "/link.txt", "/..%2fsecret.txt"} {
		if code, body := get(p); code == 200 || strings.Contains(body, "TOP-SECRET") {
			t.Errorf("%s: %d %q — served outside the directory", p, code, body)
		}
	}
	// A link out of the directory is a path that is not there: 404, not 500.
	if code, _ := get("/link.txt"); code != http.StatusNotFound {
		t.Errorf("/link.txt: %d, want 404", code)
	}
}

func TestEventsFollowBuilds(t *testing.T) {
	hub := NewHub()
	hub.Publish(1, nil)
	srv := httptest.NewServer(hub)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	event := func() string {
		var lines []string
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if l == "\n" {
				return strings.Join(lines, "")
			}
			lines = append(lines, l)
		}
	}
	if e := event(); !strings.Contains(e, `"build":1,"ok":true`) || !strings.Contains(e, "event: build") {
		t.Errorf("first event %q", e)
	}
	hub.Publish(2, errors.New(`template: page.html:3: unexpected "}"`))
	if e := event(); !strings.Contains(e, `"build":2,"ok":false`) || !strings.Contains(e, "unexpected") || !strings.Contains(e, `"good":1`) {
		t.Errorf("failed-build event %q", e)
	}
	hub.Publish(3, nil)
	if e := event(); !strings.Contains(e, `"build":3,"ok":true`) || !strings.Contains(e, `"good":3`) {
		t.Errorf("recovery event %q", e)
	}
}

func TestInject(t *testing.T) {
	out := string(Inject([]byte("<html><body>x</body></html>"), 7))
	if !strings.HasSuffix(out, "</script></body></html>") || !strings.Contains(out, "var good=7") {
		t.Errorf("Inject: %q", out)
	}
	if out := string(Inject([]byte("fragment"), 1)); !strings.HasPrefix(out, "fragment<script>") {
		t.Errorf("Inject without </body>: %q", out)
	}
}
