package gluecheck

import (
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestIngestTriggers: the ingest runs for every upload and every deletion
// under raw/ (spec §12 "Removal": a deleted export's outputs are withdrawn).
func TestIngestTriggers(t *testing.T) {
	src, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resources map[string]struct {
			Properties struct {
				Events map[string]struct {
					Type       string `yaml:"Type"`
					Properties struct {
						Events yaml.Node `yaml:"Events"`
						Filter struct {
							S3Key struct {
								Rules []struct {
									Name  string `yaml:"Name"`
									Value string `yaml:"Value"`
								} `yaml:"Rules"`
							} `yaml:"S3Key"`
						} `yaml:"Filter"`
					} `yaml:"Properties"`
				} `yaml:"Events"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range doc.Resources["IngestFunction"].Properties.Events {
		if ev.Type != "S3" {
			continue
		}
		rules := ev.Properties.Filter.S3Key.Rules
		if len(rules) != 1 || rules[0].Name != "prefix" || rules[0].Value != "raw/" {
			t.Errorf("an S3 trigger of the ingest is not limited to raw/: %+v", rules)
		}
		got = append(got, ev.Properties.Events.Value)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}) {
		t.Errorf("ingest triggers %v, want uploads and removals under raw/", got)
	}
}
