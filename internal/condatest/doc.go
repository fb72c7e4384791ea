// Package condatest builds conda packages (.conda and .tar.bz2) for tests,
// for the demo bundle generator and for the benchmark. It is build and test
// support, not part of the installer: nothing in the shipped program reads
// or writes packages through it.
//
// The builders are deterministic: members are sorted by name, every mtime is
// MTime, owners are anonymous, so the same Spec always gives the same bytes.
// WriteConda and WriteTarBz2 make well-formed packages from a Spec; the Raw
// writers (WriteRawConda, WriteRawTarBz2, WriteRawZip) and the corrupting
// helpers (WriteTruncatedConda, WriteCorruptTarBz2) make hostile or broken
// ones for the extractor's safety tests.
package condatest
