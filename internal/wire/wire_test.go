package wire

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/scorecard/scorecard/internal/miniotest"
	"github.com/scorecard/scorecard/pkg/store"
)

func TestParseStore(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want StoreSpec
		bad  bool
	}{
		{spec: "s3://scorecard-data", want: StoreSpec{Bucket: "scorecard-data"}},
		{spec: "s3://scorecard-data/", want: StoreSpec{Bucket: "scorecard-data"}},
		{spec: "s3://a.b-c", want: StoreSpec{Bucket: "a.b-c"}},
		{spec: "s3://data/team-a", want: StoreSpec{Bucket: "data", Prefix: "team-a/"}},
		{spec: "s3://data/team-a/", want: StoreSpec{Bucket: "data", Prefix: "team-a/"}},
		{spec: "s3://data/shared/团队 a", want: StoreSpec{Bucket: "data", Prefix: "shared/团队 a/"}},
		{spec: "s3://data/a..b", want: StoreSpec{Bucket: "data", Prefix: "a..b/"}},
		{spec: "/data/store", want: StoreSpec{Dir: "/data/store"}},
		{spec: "store", want: StoreSpec{Dir: "store"}},
		{spec: "./s3:x", want: StoreSpec{Dir: "./s3:x"}},
		{spec: "a/b:c", want: StoreSpec{Dir: "a/b:c"}},
		{spec: `C:\store`, want: StoreSpec{Dir: `C:\store`}},
		{spec: "", bad: true},
		{spec: "s3:/data/x", bad: true},
		{spec: "s3:data", bad: true},
		{spec: "S3://data", bad: true},
		{spec: "s3://", bad: true},
		{spec: "s3:///x", bad: true},
		{spec: "s3://data//", bad: true},
		{spec: "s3://data//team-a", bad: true},
		{spec: "s3://data///team-a", bad: true},
		{spec: "s3://data/team-a//", bad: true},
		{spec: "s3://data/a//b", bad: true},
		{spec: "s3://data/..", bad: true},
		{spec: "s3://data/team-a/../team-b", bad: true},
		{spec: "s3://data/./team-a", bad: true},
		{spec: "s3://data/a\\b", bad: true},
		{spec: "s3://My_Bucket/team-a", bad: true},
		{spec: "s3://My_Bucket", bad: true},
		{spec: "s3://ab", bad: true},
		{spec: "s3://-ab", bad: true},
		{spec: "file:///tmp/x", bad: true},
		{spec: "https://s3.amazonaws.com/b", bad: true},
	} {
		got, err := ParseStore(tc.spec)
		if tc.bad {
			if !errors.Is(err, ErrStoreSpec) {
				t.Errorf("ParseStore(%q) = %+v, %v; want an ErrStoreSpec", tc.spec, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseStore(%q) = %+v, %v; want %+v", tc.spec, got, err, tc.want)
		}
	}
}

// TestOpenStoreNeverCreates: a missing directory is an ErrStoreSpec and
// is not created; a file is not a store.
func TestOpenStoreNeverCreates(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope")
	if _, err := OpenStore(context.Background(), missing); !errors.Is(err, ErrStoreSpec) {
		t.Errorf("OpenStore(missing) error = %v, want ErrStoreSpec", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("OpenStore created %s (stat: %v)", missing, err)
	}
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenStore(context.Background(), file); !errors.Is(err, ErrStoreSpec) {
		t.Errorf("OpenStore(file) error = %v, want ErrStoreSpec", err)
	}
	if _, err := OpenStore(context.Background(), dir); err != nil {
		t.Errorf("OpenStore(dir): %v", err)
	}
}

func TestVersionOf(t *testing.T) {
	const rev = "d518845531cfb0a8fdc78f653eb642513d8bae7a"
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, tc := range []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"clean tree", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: settings("vcs", "git", "vcs.revision", rev, "vcs.modified", "false")}, rev},
		{"dirty tree", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: settings("vcs.revision", rev, "vcs.modified", "true")}, rev + "+dirty"},
		{"go install module@version", debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0"},
		{"go run, test binary", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{"nothing", debug.BuildInfo{}, "dev"},
	} {
		if got := versionOf(&tc.info); got != tc.want {
			t.Errorf("%s: versionOf = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestOpenStorePrefix: s3://bucket/prefix opens the bucket with every key
// under the prefix (seen from the bucket's root with the S3 client), lists
// only there, and s3://bucket still opens the root.
func TestOpenStorePrefix(t *testing.T) {
	srv := miniotest.Start(t)
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	ctx := context.Background()
	bucket := srv.NewBucket(t)
	root, err := OpenStore(ctx, "s3://"+bucket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.Put(ctx, "raw/crm/root.csv", strings.NewReader("root"), 4, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	team, err := OpenStore(ctx, "s3://"+bucket+"/team-a")
	if err != nil {
		t.Fatal(err)
	}
	obj, err := team.Put(ctx, "raw/crm/x.csv", strings.NewReader("team"), 4, store.PutOptions{IfNoneMatch: true})
	if err != nil || obj.Key != "raw/crm/x.csv" {
		t.Fatalf("Put = %+v, %v", obj, err)
	}
	out, err := srv.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("team-a/raw/crm/x.csv")})
	if err != nil {
		t.Fatalf("the object is not at team-a/raw/crm/x.csv: %v", err)
	}
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(b) != "team" {
		t.Errorf("team-a/raw/crm/x.csv = %q", b)
	}
	var listed []string
	if err := team.List(ctx, "raw/", func(o store.Object) error { listed = append(listed, o.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0] != "raw/crm/x.csv" {
		t.Errorf("List(raw/) under the prefix = %q, want [raw/crm/x.csv]", listed)
	}
	if _, err := team.Head(ctx, "raw/crm/root.csv"); !errors.Is(err, store.ErrNotExist) || !strings.Contains(err.Error(), "team-a/raw/crm/root.csv") {
		t.Errorf("Head of a root key under the prefix: error = %v, want ErrNotExist naming team-a/raw/crm/root.csv", err)
	}
}

// TestLambdaEnvRootOnly: the Lambdas keep the layout at the bucket's root.
func TestLambdaEnvRootOnly(t *testing.T) {
	t.Setenv("SCORECARD_BUCKET", "data/team-a")
	t.Setenv("SCORECARD_CUSTOMER_KEY_PARAM", "")
	if _, _, err := LambdaEnv(context.Background()); err == nil || !strings.Contains(err.Error(), "not bucket/prefix") {
		t.Errorf("LambdaEnv with SCORECARD_BUCKET=data/team-a: error = %v, want a refusal", err)
	}
}
