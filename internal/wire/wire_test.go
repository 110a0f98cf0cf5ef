package wire

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
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
		{spec: "s3://data/prefix", bad: true},
		{spec: "s3://data//", bad: true},
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
