// Package livereload serves the report's output directory on the loopback
// interface and tells open pages, over Server-Sent Events, when a new build
// is ready or a build failed. It injects a small script into every HTML page
// it serves: the script reloads the page (keeping its scroll position) after
// a good build, and shows the build error in an overlay after a bad one,
// which clears itself when the next build succeeds. The page on disk is the
// last good one, so a failed build never blanks the screen.
package livereload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"time"
)

// State is the outcome of the latest build.
type State struct {
	Build int    `json:"build"` // the latest build's number
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// Good is the number of the latest successful build: the page on disk.
	Good int `json:"good"`
}

// Hub fans build states out to every connected page.
type Hub struct {
	mu    sync.Mutex
	state State
	subs  map[chan State]struct{}
}

// NewHub returns a hub with no build yet.
func NewHub() *Hub { return &Hub{subs: map[chan State]struct{}{}} }

// Publish records the outcome of build n and sends it to every page.
func (h *Hub) Publish(n int, err error) {
	h.mu.Lock()
	h.state.Build = n
	h.state.OK = err == nil
	h.state.Error = ""
	if err != nil {
		h.state.Error = err.Error()
	} else {
		h.state.Good = n
	}
	s := h.state
	for c := range h.subs {
		select {
		case c <- s:
		default: // a slow page gets the next state instead
		}
	}
	h.mu.Unlock()
}

// State is the latest state.
func (h *Hub) State() State {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}

// EventsPath is where pages subscribe.
const EventsPath = "/_livereload"

// ServeHTTP streams states as "build" events: the current one at once, then
// one per build, with a comment every 15 s to keep proxies from closing it.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := make(chan State, 4)
	h.mu.Lock()
	h.subs[c] = struct{}{}
	first := h.state
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs, c)
		h.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	send := func(s State) bool {
		b, _ := json.Marshal(s)
		if _, err := fmt.Fprintf(w, "id: %d\nevent: build\ndata: %s\n\n", s.Build, b); err != nil {
			return false
		}
		flusher.Flush()
		return true
	}
	if !send(first) {
		return
	}
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case s := <-c:
			if !send(s) {
				return
			}
		case <-tick.C:
			if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}

// script is injected before </body>; %d is the build number of the page.
const script = `<script>/* live reload: injected by run.go serve */(function(){
var good=%d,ov=null;
function overlay(msg){if(!ov){ov=document.createElement("div");ov.id="mega-overlay";ov.setAttribute("role","alert");document.body.appendChild(ov);}ov.textContent="The report failed to build; this is the last good page.\n\n"+msg;}
try{var y=sessionStorage.getItem("mega-scroll");if(y!==null){sessionStorage.removeItem("mega-scroll");window.scrollTo(0,+y);}}catch(e){}
var es=new EventSource(%q);
es.addEventListener("build",function(e){var s=JSON.parse(e.data);window.megaLiveReload=s;
if(!s.ok){overlay(s.error);return;}
if(ov){ov.remove();ov=null;}
if(s.good>good){try{sessionStorage.setItem("mega-scroll",String(window.scrollY));}catch(e){}location.reload();}});
})();</script>`

// Inject adds the live-reload script to an HTML page built as build good.
func Inject(page []byte, good int) []byte {
	s := []byte(fmt.Sprintf(script, good, EventsPath))
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(page, s...)
	}
	out := make([]byte, 0, len(page)+len(s))
	out = append(out, page[:i]...)
	out = append(out, s...)
	return append(out, page[i:]...)
}

// Handler serves dir — and nothing outside it: paths are resolved in an
// os.Root, so neither ".." nor a symbolic link leads out (a 404, like any
// other path that is not there) — plus the event
// stream. HTML pages get the live-reload script and are never cached.
func Handler(dir string, h *Hub) (http.Handler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	files := http.FileServerFS(insideOnly{root.FS()})
	mux := http.NewServeMux()
	mux.Handle(EventsPath, h)
	// The page has no icon; answer the browser's automatic request with
	// "no content" rather than a 404 in the console.
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasSuffix(p, "/") {
			p += "index.html"
		}
		if !strings.HasSuffix(p, ".html") {
			w.Header().Set("Cache-Control", "no-store")
			files.ServeHTTP(w, r)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+p), "/")
		b, err := fs.ReadFile(root.FS(), name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(Inject(b, h.State().Good))
	})
	return mux, nil
}

// insideOnly answers a path that leads out of the served directory (a
// symbolic link to a file outside, which os.Root refuses) as one that does
// not exist: the file server then says 404, not 500.
type insideOnly struct{ fs.FS }

func (f insideOnly) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return file, err
}
