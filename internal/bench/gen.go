//go:build linux

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"onboard/internal/condatest"
)

// genVersion changes whenever the generator's output changes, so cached
// environments of an older generator are not reused. Version 3: the
// .tar.bz2 archives hold info/ first, as conda-build and cph write them.
const genVersion = 3

// envShape is the target of the generated environment.
type envShape struct {
	Packages   int
	Files      int
	Bytes      int64
	Bz2Share   int     // one package in Bz2Share is a .tar.bz2
	Bz2Weight  float64 // byte weight of a .tar.bz2 package relative to a .conda
	Placehold  int     // text files with a prefix placeholder, per native package
	TextRatio  float64 // share of files that are small text (.py, headers)
	ZstdLevel  int
	SeedOffset uint64
	// Random is the share of a library's bytes that are incompressible
	// (the rest is a repeating pattern); 0 = one half.
	Random float64
	// BinShare is the share of a native package's bytes in libraries; 0 =
	// one half.
	BinShare float64
}

var defaultShape = envShape{
	Packages: 150, Files: 40000, Bytes: 600 << 20, Bz2Share: 5, Bz2Weight: 0.15,
	Placehold: 5, TextRatio: 0.93, ZstdLevel: 7,
}

// shapes are the environments -shape selects. "dense" is the shape of the
// environment in issue #15: the same files and sizes, but libraries of
// mostly incompressible bytes holding most of the payload, so that 600 MB
// unpacked is about 400 MB of archives, and the .tar.bz2 packages as heavy
// as the others. "files-N" is one package of N small files (and python).
var shapes = map[string]envShape{
	"default": defaultShape,
	"dense": {Packages: 150, Files: 40000, Bytes: 600 << 20, Bz2Share: 5, Bz2Weight: 1,
		Placehold: 5, TextRatio: 0.93, ZstdLevel: 7, Random: 0.97, BinShare: 0.7},
}

// shapeOf returns the named shape; "files-N" is made on demand.
func shapeOf(name string) (envShape, error) {
	if sh, ok := shapes[name]; ok {
		return sh, nil
	}
	var n int
	if _, err := fmt.Sscanf(name, "files-%d", &n); err == nil && n > 0 {
		return envShape{Packages: 2, Files: n, Bytes: int64(n) * 300, Bz2Share: 0, Bz2Weight: 1,
			TextRatio: 1, ZstdLevel: 7}, nil
	}
	return envShape{}, fmt.Errorf("unknown -shape %q: want default, dense or files-N", name)
}

// archiveInfo is one generated archive, as the benchmark's manifest lists it.
type archiveInfo struct {
	Path     string `json:"path"`
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	Files    int    `json:"files"`
	Unpacked int64  `json:"unpacked"`
}

// manifest is .bench/env-s<seed>-v<genVersion>/manifest.json, written last.
type manifest struct {
	Seed     uint64        `json:"seed"`
	Archives []archiveInfo `json:"archives"`
}

// ensureEnv returns the manifest of the environment for seed, generating
// it under out unless a complete one is already there.
func ensureEnv(out, shape string, seed uint64, workers int, logf func(string, ...any)) (*manifest, string, error) {
	sh, err := shapeOf(shape)
	if err != nil {
		return nil, "", err
	}
	dir := filepath.Join(out, fmt.Sprintf("env-s%d-v%d", seed, genVersion))
	if shape != "default" {
		dir = filepath.Join(out, fmt.Sprintf("env-%s-s%d-v%d", shape, seed, genVersion))
	}
	return ensureEnvIn(dir, seed, sh, workers, logf)
}

// ensureEnvIn is ensureEnv for a shape, in dir.
func ensureEnvIn(dir string, seed uint64, sh envShape, workers int, logf func(string, ...any)) (*manifest, string, error) {
	mpath := filepath.Join(dir, "manifest.json")
	if b, err := os.ReadFile(mpath); err == nil {
		m := &manifest{}
		if err := json.Unmarshal(b, m); err == nil {
			logf("reusing the generated environment in %s", dir)
			return m, dir, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", fmt.Errorf("failed to create %q: %w", dir, err)
	}
	specs := planEnv(seed, sh)
	m, err := writeEnv(dir, specs, workers, logf)
	if err != nil {
		return nil, "", err
	}
	m.Seed = seed
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(mpath, b, 0o644); err != nil {
		return nil, "", fmt.Errorf("failed to write %q: %w", mpath, err)
	}
	return m, dir, nil
}

type planned struct {
	spec condatest.Spec
	bz2  bool
}

// planEnv decides every package deterministically from seed. Contents are
// made later, per package, from a seed of their own.
func planEnv(seed uint64, sh envShape) []planned {
	rng := rand.New(rand.NewPCG(seed, 0x6f6e626f617264))
	n := sh.Packages
	wf, wb := make([]float64, n), make([]float64, n)
	var sf, sb float64
	for i := range n {
		wf[i] = math.Exp(rng.NormFloat64() * 1.0)
		wb[i] = math.Exp(rng.NormFloat64() * 1.4)
		if sh.Bz2Share > 0 && i%sh.Bz2Share == 0 {
			wb[i] *= sh.Bz2Weight
		}
		sf, sb = sf+wf[i], sb+wb[i]
	}
	if sh.Packages == 2 { // files-N: the python package and one package of all the files
		wf[0], wf[1], sf = 1, 0, 1
		wb[0], wb[1], sb = 1, 0, 1
	}
	out := make([]planned, n)
	for i := range n {
		files := max(2, int(math.Round(float64(sh.Files)*wf[i]/sf)))
		bytes := int64(float64(sh.Bytes) * wb[i] / sb)
		out[i] = planned{spec: planPackage(seed, i, files, bytes, sh), bz2: sh.Bz2Share > 0 && i%sh.Bz2Share == 0}
	}
	return out
}

// planPackage makes the spec of package i: a noarch python package (every
// third) or a native one with headers, libraries, symlinks and placeholders.
func planPackage(seed uint64, i, files int, bytes int64, sh envShape) condatest.Spec {
	rng := rand.New(rand.NewPCG(seed, uint64(i)+1))
	s := condatest.Spec{
		Name: fmt.Sprintf("pkg%03d", i), Version: fmt.Sprintf("%d.%d.%d", 1+i%4, i%10, i%3),
		Build: fmt.Sprintf("h%07x_%d", rng.Uint32()&0xfffffff, i%3), BuildNumber: i % 3,
		Subdir: "linux-64", License: "BSD-3-Clause", Timestamp: 1700000000000 + int64(i)*1000,
		ZstdLevel: sh.ZstdLevel,
	}
	if i == 1 { // the interpreter package noarch: python packages need (no bin/python: no pyc step)
		s.Name, s.Version, s.PythonSitePackagesPath = "python", "3.12.1", "lib/python3.12/site-packages"
	}
	python := i%3 == 0
	if python {
		s.Subdir, s.Noarch = "noarch", "python"
		s.Depends = []string{"python >=3.9"}
		s.EntryPoints = []string{fmt.Sprintf("%s = %s.cli:main", s.Name, s.Name)}
	}
	nText := max(1, int(float64(files)*sh.TextRatio))
	nBin := files - nText
	if python {
		nText, nBin = files, 0
	}
	textBytes := int64(0)
	sizes := make([]int, nText)
	for k := range sizes {
		sizes[k] = 200 + int(math.Exp(rng.NormFloat64()*0.9+7.6)) // median ~2 KB
		textBytes += int64(sizes[k])
	}
	textShare := 0.5
	if sh.BinShare > 0 {
		textShare = 1 - sh.BinShare
	}
	textMax := int64(float64(bytes) * textShare)
	if python || nBin == 0 {
		scaleSizes(sizes, textBytes, bytes)
	} else if textBytes > textMax {
		scaleSizes(sizes, textBytes, textMax)
		textBytes = textMax
	}
	s.Files = textFiles(&s, rng, sizes, python, sh)
	if !python {
		s.Files = append(s.Files, binFiles(&s, rng, nBin, bytes-textBytes, sh.Random)...)
	}
	return s
}

func scaleSizes(sizes []int, have, want int64) {
	if have <= 0 || want <= 0 {
		return
	}
	f := float64(want) / float64(have)
	for k := range sizes {
		sizes[k] = max(16, int(float64(sizes[k])*f))
	}
}

// textFile is described now and filled at write time.
func textFiles(s *condatest.Spec, rng *rand.Rand, sizes []int, python bool, sh envShape) []condatest.File {
	out := make([]condatest.File, 0, len(sizes))
	for k, n := range sizes {
		var p string
		switch {
		case python:
			p = fmt.Sprintf("site-packages/%s/sub%d/mod%04d.py", s.Name, k%7, k)
		case k%3 == 0:
			p = fmt.Sprintf("include/%s/h%04d.h", s.Name, k)
		default:
			p = fmt.Sprintf("lib/python3.12/site-packages/%s/m%04d.py", s.Name, k)
		}
		f := condatest.File{Path: p, Data: sizeOnly(n, rng.Uint64(), 0)}
		if !python && k < sh.Placehold {
			f.Path = fmt.Sprintf("lib/pkgconfig/%s-%d.pc", s.Name, k)
			f.Placeholder = condatest.DefaultPlaceholder
		}
		out = append(out, f)
	}
	return out
}

// binFiles splits bytes over n libraries, the first with two symlinks
// (libX.so -> libX.so.1 -> libX.so.1.0) as native packages have.
func binFiles(s *condatest.Spec, rng *rand.Rand, n int, bytes int64, random float64) []condatest.File {
	if n <= 0 {
		return nil
	}
	w := make([]float64, n)
	var sum float64
	for k := range w {
		w[k] = math.Exp(rng.NormFloat64() * 1.2)
		sum += w[k]
	}
	out := make([]condatest.File, 0, n+2)
	for k := range n {
		size := max(64, int(float64(bytes)*w[k]/sum))
		p := fmt.Sprintf("lib/lib%s_%d.so.1.0", s.Name, k)
		out = append(out, condatest.File{Path: p, Data: sizeOnly(size, rng.Uint64(), random), Mode: 0o755})
	}
	base := fmt.Sprintf("lib/lib%s_0", s.Name)
	return append(out,
		condatest.File{Path: base + ".so.1", Symlink: filepath.Base(base) + ".so.1.0"},
		condatest.File{Path: base + ".so", Symlink: filepath.Base(base) + ".so.1"})
}

// sizeOnly encodes a size and a seed in a placeholder Data; fill() makes
// the real content when the package is written, so plans stay small.
func sizeOnly(n int, seed uint64, random float64) []byte {
	return []byte(fmt.Sprintf("\x00gen %d %d %g", n, seed, random))
}

// writeEnv writes every package (workers at a time) and returns the manifest.
func writeEnv(dir string, ps []planned, workers int, logf func(string, ...any)) (*manifest, error) {
	m := &manifest{Archives: make([]archiveInfo, len(ps))}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	jobs := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				ai, err := writePackage(dir, ps[i])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				m.Archives[i] = ai
				mu.Unlock()
			}
		})
	}
	for i := range ps {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	logf("generated %d packages in %s", len(ps), dir)
	return m, firstErr
}

func writePackage(dir string, p planned) (archiveInfo, error) {
	s := p.spec
	s.Files = append([]condatest.File(nil), s.Files...)
	var unpacked int64
	for k := range s.Files {
		s.Files[k].Data = fill(s.Files[k])
		unpacked += int64(len(s.Files[k].Data))
	}
	write := condatest.WriteConda
	if p.bz2 {
		write = condatest.WriteTarBz2
	}
	path, err := write(dir, s)
	if err != nil {
		return archiveInfo{}, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return archiveInfo{}, fmt.Errorf("failed to read %q: %w", path, err)
	}
	sum := sha256.Sum256(b)
	return archiveInfo{Path: filepath.Base(path), SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b)),
		Files: len(s.Files), Unpacked: unpacked}, nil
}

var words = strings.Fields(`def class import return self None True False if else elif for in while
try except raise with as lambda yield from pass break continue and or not is assert global
value result data config path name items args kwargs os sys json logging parse load dump
create update delete open close read write buffer stream index count total error message`)

// fill makes the content a sizeOnly placeholder stands for: word salad for
// text files (compresses like source code), half random and half repetitive
// bytes for libraries.
func fill(f condatest.File) []byte {
	if f.Symlink != "" {
		return nil
	}
	var n int
	var seed uint64
	var random float64
	fmt.Sscanf(string(f.Data), "\x00gen %d %d %g", &n, &seed, &random)
	rng := rand.New(rand.NewPCG(seed, 7))
	if f.Mode == 0o755 {
		return binary(n, rng, random)
	}
	b := make([]byte, 0, n+16)
	if f.Placeholder != "" {
		b = append(b, "prefix="+f.Placeholder+"\nlibdir=${prefix}/lib\n"...)
	}
	head := len(b)
	for len(b) < n {
		b = append(b, words[rng.IntN(len(words))]...)
		if rng.IntN(9) == 0 {
			b = append(b, '\n')
		} else {
			b = append(b, ' ')
		}
	}
	return b[:max(n, head)]
}

func binary(n int, rng *rand.Rand, random float64) []byte {
	b := make([]byte, n)
	var key [32]byte
	for k := range key {
		key[k] = byte(rng.Uint32())
	}
	cc := rand.NewChaCha8(key)
	r := n / 2
	if random > 0 {
		r = int(float64(n) * random)
	}
	cc.Read(b[:r])
	for k := r; k < n; k++ {
		b[k] = byte(k>>3) ^ byte(k%251)
	}
	return b
}
