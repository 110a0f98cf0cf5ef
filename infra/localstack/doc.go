// Package localstack tests infra/local-stack.sh, the local twin of the AWS
// stack: MinIO with its event notifications wired to `scorecard serve`. It
// has no code of its own; the test drives the script as a person would.
package localstack
