package s3store

import (
	"context"
	"strings"
	"testing"
)

func lookupMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestEnvConfig(t *testing.T) {
	cfg, err := envConfig(lookupMap(map[string]string{
		"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SESSION_TOKEN": "TOKEN",
		"AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "ap-east-1",
		"AWS_ENDPOINT_URL": "http://generic:9000", "AWS_ENDPOINT_URL_S3": "http://minio:9000",
		"AWS_MAX_ATTEMPTS": "5", "AWS_RETRY_MODE": "adaptive",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "ap-east-1" {
		t.Errorf("Region = %q, want AWS_REGION over AWS_DEFAULT_REGION", cfg.Region)
	}
	if cfg.Endpoint != "http://minio:9000" {
		t.Errorf("BaseEndpoint = %q, want AWS_ENDPOINT_URL_S3 over AWS_ENDPOINT_URL", cfg.Endpoint)
	}
	if cfg.MaxAttempts != 5 {
		t.Errorf("MaxAttempts = %d", cfg.MaxAttempts)
	}
	c, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "AKID" || c.SecretAccessKey != "SECRET" || c.SessionToken != "TOKEN" {
		t.Errorf("credentials = %+v", c)
	}
}

func TestEnvConfigFallbacks(t *testing.T) {
	cfg, err := envConfig(lookupMap(map[string]string{
		"AWS_ACCESS_KEY": "AKID", "AWS_SECRET_KEY": "SECRET", "AWS_DEFAULT_REGION": "eu-west-1",
		"AWS_ENDPOINT_URL": "http://generic:9000",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-1" || cfg.Endpoint != "http://generic:9000" {
		t.Errorf("Region %q, BaseEndpoint %q", cfg.Region, cfg.Endpoint)
	}
	if c, err := cfg.Credentials.Retrieve(context.Background()); err != nil || c.AccessKeyID != "AKID" || c.SessionToken != "" {
		t.Errorf("credentials = %+v, %v", c, err)
	}
	cfg, err = envConfig(lookupMap(map[string]string{"AWS_ENDPOINT_URL": "http://x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}))
	if err != nil || cfg.Endpoint != "" {
		t.Errorf("ignored endpoint: %q, %v", cfg.Endpoint, err)
	}
}

func TestEnvConfigErrors(t *testing.T) {
	cfg, err := envConfig(lookupMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Credentials.Retrieve(context.Background()); err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Errorf("no credentials: err = %v", err)
	}
	for _, env := range []map[string]string{{"AWS_MAX_ATTEMPTS": "many"}, {"AWS_RETRY_MODE": "sometimes"}} {
		if _, err := envConfig(lookupMap(env)); err == nil {
			t.Errorf("%v: no error", env)
		}
	}
}
