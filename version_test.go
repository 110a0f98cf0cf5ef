package scorecard

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBinariesRecordTheirRevision builds the CLI from a git repository holding this source tree (a fresh commit of it, as a clone
// would be) and checks that each binary carries that commit as vcs.revision,
// and that a manifest the CLI publishes names it as code_version (not
// "dev"). The go env may say -buildvcs=false; a real build is "auto",
// which stamps inside a repository, so the test asks for it explicitly.
func TestBinariesRecordTheirRevision(t *testing.T) {
	src := t.TempDir()
	files, err := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(src, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = src
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "snapshot")
	rev := git("rev-parse", "HEAD")

	// The CLI (the Lambdas link the same internal/wire and are stamped the
	// same way; building them for linux/arm64 here would compile their whole
	// closure again, minutes on a small machine).
	bin := t.TempDir()
	cli := filepath.Join(bin, "scorecard")
	cmd := exec.Command("go", "build", "-o", cli, "./cmd/scorecard")
	cmd.Dir = src
	cmd.Env = append(cmd.Environ(), "GOFLAGS=-buildvcs=true")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/scorecard: %v\n%s", err, msg)
	}
	info, err := exec.Command("go", "version", "-m", cli).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	if !strings.Contains(string(info), "vcs.revision="+rev+"\n") || !strings.Contains(string(info), "vcs.modified=false") {
		t.Errorf("the CLI does not record revision %s, clean:\n%s", rev, info)
	}

	// The CLI's close writes it into the manifest.
	store := t.TempDir()
	cmd = exec.Command(cli, "demo", "--store", store)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scorecard demo: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(store, "payroll", "month=2026-09", "v1", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		CodeVersion string `json:"code_version"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.CodeVersion != rev {
		t.Errorf("manifest code_version = %q, want %q", m.CodeVersion, rev)
	}
}
