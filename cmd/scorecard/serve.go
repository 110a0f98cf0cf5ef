package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/scorecard/scorecard/internal/wire"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/ingestjob"
	"github.com/scorecard/scorecard/pkg/notify"
	"github.com/scorecard/scorecard/pkg/s3event"
)

// cmdServe is the local twin of the two Lambdas: MinIO posts S3-format
// event notifications to /events (its webhook target) and each is handled by
// the same ingestjob.Job.HandleEvent the ingest Lambda runs; POST /close runs the
// close as the scheduler would.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	storeSpec := fs.String("store", "", "directory or s3://bucket")
	addr := fs.String("addr", "127.0.0.1:8787", "listen address")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *storeSpec == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: --store is required", errUsage)
	}
	st, err := wire.OpenStore(ctx, *storeSpec)
	if err != nil {
		return err
	}
	env := wire.Local(stderr, slog.LevelInfo)
	c := closeJob(st, env)
	c.Notify = &notify.Log{Store: st, Out: stderr} // events are appended to reports/events.jsonl and logged
	h := NewServer(ingestJob(st, env), c, env.Log)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	fmt.Fprintf(stdout, "listening on http://%s (POST /events, POST /close)\n", ln.Addr())
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

// NewServer returns the HTTP handler of `scorecard serve`.
func NewServer(in *ingestjob.Job, c *closejob.Job, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	var closeMu sync.Mutex // one close at a time per process; races across processes are handled by write-once
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("POST /events", func(w http.ResponseWriter, r *http.Request) {
		var ev s3event.Event
		if err := json.NewDecoder(io.LimitReader(r.Body, 8<<20)).Decode(&ev); err != nil {
			http.Error(w, "bad event: "+err.Error(), http.StatusBadRequest)
			return
		}
		// MinIO checks the target with an empty event at start-up.
		if err := in.HandleEvent(r.Context(), ev); err != nil {
			log.Error("event failed; the sender will retry", "error", err)
			http.Error(w, err.Error(), http.StatusInternalServerError)
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
		switch {
		case errors.As(err, &nr):
			writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error(), "status": "not_ready", "readiness": nr.Readiness})
		case err != nil:
			log.Error("close failed", "error", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		default:
			writeJSON(w, http.StatusOK, out)
		}
	})
	return mux
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
