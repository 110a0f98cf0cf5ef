//go:build !lambda.norpc

package s3store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// loadConfig is the SDK's default configuration chain: environment, shared
// config and credentials files, SSO, web identity, container and EC2 roles.
func loadConfig(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx)
}
