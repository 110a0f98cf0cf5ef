package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/ingestjob"
)

// termProgress draws the progress of an ingest (bytes of each export) or
// of a close (bytes of each step's inputs) as a bar on stderr, one bar per
// export or step. The jobs only know their Progress interfaces: the bar
// library is linked into the CLI alone (TestBinaryLayering).
type termProgress struct {
	w    io.Writer
	name string
	bar  *progressbar.ProgressBar
}

// newProgress is a bar on stderr when stderr is a terminal, else nil (a
// pipe, a file, a test, a Lambda's log: no bar).
func newProgress(stderr io.Writer) *termProgress {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &termProgress{w: stderr}
}

// withIngestProgress and withCloseProgress give a job a bar when stderr is
// a terminal (and leave its Progress nil, not a nil *termProgress, if not).
func withIngestProgress(j *ingestjob.Job, stderr io.Writer) *ingestjob.Job {
	if p := newProgress(stderr); p != nil {
		j.Progress = p
	}
	return j
}

func withCloseProgress(j *closejob.Job, stderr io.Writer) *closejob.Job {
	if p := newProgress(stderr); p != nil {
		j.Progress = p
	}
	return j
}

// Progress implements ingestjob.Progress and closejob.Progress.
func (p *termProgress) Progress(name string, done, total int64) {
	if p.bar == nil || p.name != name {
		p.finish()
		p.name = name
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(name),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
	}
	_ = p.bar.Set64(done)
	if done >= total {
		p.finish()
	}
}

func (p *termProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprint(p.w, "\r\x1b[K") // clear the line for the output that follows
		p.bar = nil
		p.name = ""
	}
}
