package localstack

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

func TestLocalStackUpIngestCloseDown(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join("..", "local-stack.sh")
	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command("bash", append([]string{script}, args...)...).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	run("up", dir, "twin")
	t.Cleanup(func() { exec.Command("bash", script, "down", dir).Run() })
	env := readEnv(t, filepath.Join(dir, "env"))
	client := s3.New(s3.Options{
		Region: env["AWS_REGION"], BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL"]), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], ""),
	})
	ctx := context.Background()

	keys := map[string]string{
		"raw/crm/工单导出 2026-09.csv":         "../../testdata/raw/crm/工单导出 2026-09.csv",
		"raw/survey/满意度回访 2026年9月.csv":     "../../testdata/raw/survey/满意度回访 2026年9月.csv",
		"raw/roster/花名册 2026-09.csv":       "../../testdata/raw/roster/花名册 2026-09.csv",
		"raw/evaluations/考核记录 2026-09.csv": "../../testdata/raw/evaluations/考核记录 2026-09.csv",
	}
	for key, path := range keys {
		f, err := os.Open(path)
		require.NoError(t, err)
		_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("twin"), Key: aws.String(key), Body: f})
		f.Close()
		require.NoError(t, err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for key := range keys {
		for {
			_, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("twin"), Key: aws.String("reports/ingest/" + key + ".json")})
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				log, _ := os.ReadFile(filepath.Join(dir, "serve.log"))
				t.Fatalf("no ingest report for %s: %v\nserve.log:\n%s", key, err, log)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	// serve's token is in the env file; a close without it is refused.
	token := env["SCORECARD_SERVE_TOKEN"]
	require.Len(t, token, 64)
	closeReq := func(token string) *http.Response {
		req, err := http.NewRequest(http.MethodPost, env["SCORECARD_SERVE"]+"/close", strings.NewReader(`{"month":"2026-09"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return resp
	}
	resp := closeReq("")
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp = closeReq(token)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.Contains(t, string(body), `"status":"published"`)
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("twin"), Key: aws.String("payroll/month=2026-09/v1/salary_multipliers.csv")})
	require.NoError(t, err)
	csv, _ := io.ReadAll(out.Body)
	out.Body.Close()
	require.Contains(t, string(csv), "month,employee_id,employee_name,team,score,band,multiplier,performance_pay,payout")

	// down stops both processes by PID.
	pids := []int{readPID(t, filepath.Join(dir, "serve.pid")), readPID(t, filepath.Join(dir, "minio", "minio.pid"))}
	run("down", dir)
	for _, pid := range pids {
		require.Eventually(t, func() bool {
			return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
		}, 15*time.Second, 100*time.Millisecond, "pid %d still running", pid)
	}
}

func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			env[k] = v
		}
	}
	return env
}

func readPID(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	return pid
}
