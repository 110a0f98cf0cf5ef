package localstack

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLocalStackUpIsIdempotentDownAlwaysCleansUp: up twice (the second
// says so), up on a directory used before (its bucket exists: kept, not a
// 409 failure), up after serve died (restarts both), down twice; afterwards
// no process of the stack is left and no stale env file.
func TestLocalStackUpIsIdempotentDownAlwaysCleansUp(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join("..", "local-stack.sh")
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("bash", append([]string{script}, args...)...).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}
	pid := func(file string) int {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err)
		n, err := strconv.Atoi(strings.TrimSpace(string(b)))
		require.NoError(t, err)
		return n
	}
	var pids []int
	t.Cleanup(func() {
		exec.Command("bash", script, "down", dir).Run()
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGKILL)
		}
	})

	run("up", dir, "twin")
	pids = append(pids, pid("serve.pid"), pid("minio/minio.pid"))
	require.Contains(t, run("up", dir, "twin"), "already up")
	require.Equal(t, pids, []int{pid("serve.pid"), pid("minio/minio.pid")}, "a second up changed the stack")

	run("down", dir)
	require.Contains(t, run("up", dir, "twin"), "bucket twin exists (yours): kept")
	pids = append(pids, pid("serve.pid"), pid("minio/minio.pid"))

	// serve dies; MinIO is left running: up starts both afresh.
	require.NoError(t, syscall.Kill(pid("serve.pid"), syscall.SIGKILL))
	oldMinio := pid("minio/minio.pid")
	exec.Command("sh", "-c", "sleep 0.2").Run()
	out := run("up", dir, "twin")
	require.NotContains(t, out, "already up")
	require.NotEqual(t, oldMinio, pid("minio/minio.pid"), "the MinIO of the earlier run was kept")
	pids = append(pids, pid("serve.pid"), pid("minio/minio.pid"))

	run("down", dir)
	run("down", dir)
	for _, p := range pids {
		if syscall.Kill(p, 0) == nil {
			stat, _ := exec.Command("ps", "-o", "stat=", "-p", strconv.Itoa(p)).Output()
			require.True(t, strings.HasPrefix(strings.TrimSpace(string(stat)), "Z"), "pid %d still running after down", p)
		}
	}
	_, err := os.Stat(filepath.Join(dir, "env"))
	require.True(t, os.IsNotExist(err), "down left the env file")
}
