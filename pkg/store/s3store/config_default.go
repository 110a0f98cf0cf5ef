//go:build !lambda.norpc

package s3store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/config"
)

// loadConfig is the SDK's default configuration chain: environment, shared
// config and credentials files, SSO, web identity, container and EC2 roles.
// The endpoint is the S3 one of the chain (AWS_ENDPOINT_URL_S3, or the s3
// section's endpoint_url of the profile), else the global one
// (AWS_ENDPOINT_URL, endpoint_url), as the SDK's S3 client resolves it.
func loadConfig(ctx context.Context) (Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return Config{}, err
	}
	out := Config{
		Region:      cfg.Region,
		Credentials: cfg.Credentials,
		MaxAttempts: cfg.RetryMaxAttempts,
	}
	if cfg.HTTPClient != nil {
		out.HTTPClient = cfg.HTTPClient // carries AWS_CA_BUNDLE
	}
	sources := make([]any, len(cfg.ConfigSources))
	copy(sources, cfg.ConfigSources)
	if ignore, found, err := config.GetIgnoreConfiguredEndpoints(ctx, sources); err != nil {
		return Config{}, err
	} else if found && ignore {
		return out, nil
	}
	if cfg.BaseEndpoint != nil {
		out.Endpoint = *cfg.BaseEndpoint
	}
	type serviceEndpoint interface {
		GetServiceBaseEndpoint(ctx context.Context, sdkID string) (string, bool, error)
	}
	for _, src := range sources {
		if p, ok := src.(serviceEndpoint); ok {
			if ep, found, err := p.GetServiceBaseEndpoint(ctx, "S3"); err != nil {
				return Config{}, err
			} else if found && ep != "" {
				out.Endpoint = ep
				break
			}
		}
	}
	return out, nil
}
