//go:build lambda.norpc

package s3store

import "context"

// loadConfig, in the Lambda bootstraps (built with -tags lambda.norpc),
// reads the environment only: Lambda passes the function role's
// credentials and the region as AWS_* variables, so the default chain's
// file, SSO, STS and IMDS providers (about 1.5 MB of the binary) are dead
// weight there.
func loadConfig(context.Context) (Config, error) {
	return envConfig(envLookup)
}
