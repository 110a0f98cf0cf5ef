package s3store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// envLookup is os.LookupEnv, replaced in tests.
var envLookup = os.LookupEnv

// envConfig builds the store's Config from the standard AWS
// environment variables alone, the way the SDK's default chain reads them
// (without shared files, profiles, SSO, web identity or instance roles):
//
//	AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY), AWS_SECRET_ACCESS_KEY (or
//	AWS_SECRET_KEY), AWS_SESSION_TOKEN   static credentials (a Lambda's role)
//	AWS_REGION, else AWS_DEFAULT_REGION  the region
//	AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL  a custom endpoint (MinIO),
//	                                     unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
//	AWS_MAX_ATTEMPTS                     tries per request (0: 3)
//	AWS_RETRY_MODE                       checked; standard and adaptive
//	                                     both retry with a jittered backoff
//
// Missing credentials are not an error here, as with the default chain:
// the first request fails, saying so.
func envConfig(lookup func(string) (string, bool)) (Config, error) {
	get := func(names ...string) string {
		for _, n := range names {
			if v, ok := lookup(n); ok && v != "" {
				return v
			}
		}
		return ""
	}
	cfg := Config{Region: get("AWS_REGION", "AWS_DEFAULT_REGION")}
	id, secret, token := get("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"), get("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"), get("AWS_SESSION_TOKEN")
	cfg.Credentials = aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		if id == "" || secret == "" {
			return aws.Credentials{}, errors.New("no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (this build reads credentials from the environment only)")
		}
		return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token, Source: "EnvConfigCredentials"}, nil
	}))
	if !strings.EqualFold(get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		if ep := get("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"); ep != "" {
			cfg.Endpoint = ep
		}
	}
	if v := get("AWS_MAX_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return cfg, fmt.Errorf("AWS_MAX_ATTEMPTS=%q: want a non-negative integer", v)
		}
		cfg.MaxAttempts = n
	}
	if v := get("AWS_RETRY_MODE"); v != "" {
		if _, err := aws.ParseRetryMode(v); err != nil {
			return cfg, fmt.Errorf("AWS_RETRY_MODE: %w", err)
		}
	}
	return cfg, nil
}
