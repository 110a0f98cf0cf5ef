// Package pipeline is the only package that sequences I/O and the pure steps:
// it reads objects from a store, hands streams to pkg/ingest and rows to
// pkg/score, and writes Parquet, reports and the payroll table back.
//
// Two handlers share it: the Ingester, run once per uploaded object (the
// ingest Lambda, `scorecard ingest` and the local MinIO webhook listener), and
// the Closer, run once per month (the close Lambda and `scorecard close`).
// Both are idempotent: every output key is derived from its inputs, a
// re-delivered event rewrites the same bytes, and a payroll version, once its
// manifest exists, is never written again.
//
// The clock enters only through Config.Now, used for log and metric
// timestamps; nothing written to the store depends on it.
package pipeline
