package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/annual"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/ingestjob"
	"github.com/scorecard/scorecard/pkg/notify"
	"github.com/scorecard/scorecard/pkg/s3event"
)

// cmdServe is the local twin of the two Lambdas: MinIO posts S3-format
// event notifications to /events (its webhook target) and each is handled by
// the same ingestjob.Job.HandleEvent the ingest Lambda runs; POST /close runs the
// close as the scheduler would.
//
// Spec §12: it listens on loopback unless --public is given; every write
// (POST /events, POST /close) needs the per-start token, as
// "Authorization: Bearer <token>" (MinIO's webhook auth token) or the bare
// token, and a Content-Type of application/json; a request whose Origin is
// not serve's own is refused, so a web page cannot post to it.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	storeSpec := fs.String("store", "", "directory or s3://bucket")
	addr := fs.String("addr", "127.0.0.1:8787", "listen address; must be a loopback address unless --public is given")
	public := fs.Bool("public", false, "allow a non-loopback --addr (anyone who can reach it and holds the token can ingest and close)")
	tokenFile := fs.String("token-file", "", "also write this start's token to this `file` (mode 0600)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: --store is required", errUsage)
	}
	if sp, err := wire.ParseStore(*storeSpec); err == nil && sp.Prefix != "" {
		// Bucket notifications name keys from the bucket's root.
		return fmt.Errorf("%w: --store %s: serve handles bucket notifications, whose keys are from the bucket's root: give s3://bucket", errUsage, *storeSpec)
	}
	if err := checkLoopback(*addr, *public); err != nil {
		return err
	}
	token, err := newToken()
	if err != nil {
		return err
	}
	if *tokenFile != "" {
		if err := os.WriteFile(*tokenFile, []byte(token+"\n"), 0o600); err != nil {
			return fmt.Errorf("writing the token: %w", err)
		}
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	env := cliEnv(fs, stderr, true)
	c := closeJob(st, env)
	c.Notify = &notify.Log{Store: st, Out: stderr} // events are appended to reports/events.jsonl and logged
	h := NewServer(ingestJob(st, env), c, env.Log, token)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	fmt.Fprintf(stdout, "listening on http://%s (POST /events, POST /close)\n", ln.Addr())
	fmt.Fprintf(stdout, "token for this start (send as \"Authorization: Bearer <token>\" with Content-Type: application/json): %s\n", token)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// checkLoopback refuses a listen address that is not loopback, unless public.
func checkLoopback(addr string, public bool) error {
	if public {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: --addr %q: %v", errUsage, addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: --addr %q is not a loopback address (127.0.0.1, ::1, localhost); add --public to listen on it anyway", errUsage, addr)
}

// newToken returns a random token for this start.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making the token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// NewServer returns the HTTP handler of `scorecard serve`. Every POST needs
// token (see cmdServe); an empty token refuses every POST.
func NewServer(in *ingestjob.Job, c *closejob.Job, log *slog.Logger, token string) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	var closeMu sync.Mutex // one close at a time per process; races across processes are handled by write-once
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("POST /events", func(w http.ResponseWriter, r *http.Request) {
		var ev s3event.Event
		if err := json.NewDecoder(io.LimitReader(r.Body, 8<<20)).Decode(&ev); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad event: " + err.Error()})
			return
		}
		// MinIO checks the target with an empty event at start-up.
		if err := in.HandleEvent(r.Context(), ev); err != nil {
			log.Error("event failed; the sender will retry", "error", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /close", func(w http.ResponseWriter, r *http.Request) {
		var req closejob.Request
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad close request: " + err.Error()})
			return
		}
		if err := req.Validate(); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		closeMu.Lock()
		out, err := c.Handle(r.Context(), req)
		closeMu.Unlock()
		var nr *closejob.NotReadyError
		var anr *annual.NotReadyError
		switch {
		case errors.As(err, &nr):
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error(), "status": "not_ready", "readiness": nr.Readiness})
		case errors.As(err, &anr):
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error(), "status": "not_ready", "months": anr.Months})
		case err != nil:
			log.Error("close failed", "error", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		default:
			writeJSON(w, http.StatusOK, out)
		}
	})
	return guard(mux, token)
}

// guard enforces spec §12 in front of h: a foreign Origin is refused (403);
// a request that writes needs the token (401) and a JSON body (415).
func guard(h http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "cross-origin requests are refused (Origin " + o + ")"})
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			h.ServeHTTP(w, r)
			return
		}
		if !authorized(r.Header.Get("Authorization"), token) {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or wrong token: send \"Authorization: Bearer <token>\" with the token serve printed at start"})
			return
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "only Content-Type: application/json is accepted"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// authorized reports whether the Authorization header carries token, as
// "Bearer <token>" or bare (both forms a webhook may send).
func authorized(header, token string) bool {
	if token == "" {
		return false
	}
	got := strings.TrimSpace(header)
	if scheme, rest, ok := strings.Cut(got, " "); ok && strings.EqualFold(scheme, "Bearer") {
		got = strings.TrimSpace(rest)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
