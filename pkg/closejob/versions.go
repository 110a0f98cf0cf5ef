package closejob

import (
	"context"
	"fmt"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

// versionSet lists the versions found under payroll/month=M/.
type versionSet map[int32]bool // version -> has manifest

func (v versionSet) latestComplete() int32 {
	var n int32
	for ver, complete := range v {
		if complete && ver > n {
			n = ver
		}
	}
	return n
}

func listVersions(ctx context.Context, s Store, month calendar.Month) (versionSet, error) {
	prefix := bucket.PayrollMonth(month)
	set := versionSet{}
	err := s.List(ctx, prefix, func(o store.Object) error {
		m, v, file, ok := bucket.ParsePayroll(o.Key)
		if !ok || m != month {
			return nil
		}
		set[v] = set[v] || file == bucket.ManifestName
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", prefix, err)
	}
	return set, nil
}

func readManifest(ctx context.Context, s Store, month calendar.Month, version int32) (*payroll.Manifest, error) {
	m, _, err := readManifestSHA(ctx, s, month, version)
	return m, err
}

// readManifestSHA reads a version's manifest and the SHA-256 of its bytes.
func readManifestSHA(ctx context.Context, s Store, month calendar.Month, version int32) (*payroll.Manifest, string, error) {
	key := bucket.Manifest(month, version)
	data, err := objects.ReadOptional(ctx, s, key)
	if err != nil {
		return nil, "", err
	}
	if data == nil {
		return nil, "", fmt.Errorf("reading %s: %w", key, store.ErrNotExist)
	}
	m, err := payroll.ParseManifest(data)
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", key, err)
	}
	return m, payroll.OutputOf(key, data, 0).SHA256, nil
}

func readPayroll(ctx context.Context, s Store, month calendar.Month, version int32) ([]schema.PayrollRow, error) {
	key := bucket.PayrollCSV(month, version)
	rc, _, err := s.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	defer rc.Close()
	rows, err := payroll.ReadCSV(rc)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	for i := range rows {
		rows[i].Version = version
	}
	return rows, nil
}
