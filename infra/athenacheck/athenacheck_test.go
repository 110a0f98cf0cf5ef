package athenacheck

import (
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/scorecard/scorecard/infra/gluecheck"
)

func TestBindParams(t *testing.T) {
	cases := []struct {
		name    string
		q       string
		params  map[string]string
		want    string
		wantErr string
	}{
		{"one", "WHERE id = :employee_id", map[string]string{"employee_id": "E1"}, "WHERE id = 'E1'", ""},
		{"twice", ":a = :a", map[string]string{"a": "x"}, "'x' = 'x'", ""},
		{"quote doubled", "x = :a", map[string]string{"a": "O'Brien"}, "x = 'O''Brien'", ""},
		{"cast left alone", "CAST(x AS VARCHAR)::VARCHAR = :a", map[string]string{"a": "1"}, "CAST(x AS VARCHAR)::VARCHAR = '1'", ""},
		{"time literal left alone", "x = '10:00:00'", nil, "x = '10:00:00'", ""},
		{"missing", "x = :a AND y = :b", map[string]string{"a": "1"}, "", "no value for parameter :b"},
		{"unused", "x = 1", map[string]string{"a": "1"}, "", "parameter a is not used"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := BindParams(c.q, c.params)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		want    []string
		wantErr bool
	}{
		{"two", "-- head\nSELECT 1;\n\n-- two\nSELECT\n  2;\n", []string{"-- head\nSELECT 1", "-- two\nSELECT\n  2"}, false},
		{"trailing comment", "SELECT 1;\n-- done\n", []string{"SELECT 1"}, false},
		{"unterminated", "SELECT 1;\nSELECT 2\n", nil, true},
		{"empty", "-- nothing\n", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := gluecheck.SplitStatements(c.src)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, c.wantErr)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestFormatDecimal(t *testing.T) {
	cases := []struct {
		unscaled int64
		scale    int
		want     string
	}{
		{5000, 2, "50.00"}, {5, 2, "0.05"}, {-5, 2, "-0.05"}, {0, 4, "0.0000"}, {12, 0, "12"}, {-123456, 4, "-12.3456"},
	}
	for _, c := range cases {
		if got := FormatDecimal(big.NewInt(c.unscaled), c.scale); got != c.want {
			t.Errorf("FormatDecimal(%d, %d) = %q, want %q", c.unscaled, c.scale, got, c.want)
		}
	}
}

// FuzzBindParams checks that a bound value never escapes its literal: the
// bound query holds the value with quotes doubled, between quotes, and
// nothing else changes.
func FuzzBindParams(f *testing.F) {
	f.Add("E1")
	f.Add("x' OR '1'='1")
	f.Add("'';--")
	f.Fuzz(func(t *testing.T, v string) {
		got, err := BindParams("SELECT 1 WHERE id = :id ORDER BY 1", map[string]string{"id": v})
		if err != nil {
			t.Fatal(err)
		}
		want := "SELECT 1 WHERE id = '" + strings.ReplaceAll(v, "'", "''") + "' ORDER BY 1"
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}
