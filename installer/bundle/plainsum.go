package bundle

import "crypto/sha256"

// ProgramSum identifies the program in the executable at path: the sha256
// and length of its own bytes, without an appended bundle, a footer or an
// Authenticode signature (what WriteStripped copies). An installer and
// the maintenance app made from it, hard link, copy or stripped copy,
// have one sum.
type ProgramSum struct {
	Sum  [sha256.Size]byte
	Size int64
}

// SumProgram returns the ProgramSum of the executable at path.
func SumProgram(path string) (ProgramSum, error) {
	h := sha256.New()
	n, err := copyPlainBinary(h, path)
	if err != nil {
		return ProgramSum{}, err
	}
	var s ProgramSum
	copy(s.Sum[:], h.Sum(nil))
	s.Size = n
	return s, nil
}
