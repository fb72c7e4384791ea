package bundle

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/zstd"
)

// indexInfo is what the builder needs of a package's info/index.json.
// TODO(D): replace with pkg.ReadInfo once installer/pkg lands.
type indexInfo struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	Build   string          `json:"build"`
	Subdir  string          `json:"subdir"`
	Depends []string        `json:"depends"`
	Noarch  json.RawMessage `json:"noarch"`
}

func (ix *indexInfo) isNoarch() bool {
	s := strings.TrimSpace(string(ix.Noarch))
	return s != "" && s != "null" && s != "false" && s != `""`
}

// readIndex reads info/index.json from a .conda or .tar.bz2 archive.
func readIndex(archive string) (*indexInfo, error) {
	var data []byte
	var err error
	switch {
	case strings.HasSuffix(archive, ".conda"):
		data, err = readCondaIndex(archive)
	case strings.HasSuffix(archive, ".tar.bz2"):
		data, err = readTarBz2Index(archive)
	default:
		err = errors.New("not a .conda or .tar.bz2 file")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read info/index.json of %q: %w", archive, err)
	}
	var ix indexInfo
	if err := json.Unmarshal(data, &ix); err != nil {
		return nil, fmt.Errorf("failed to parse info/index.json of %q: %w", archive, err)
	}
	if ix.Name == "" || ix.Version == "" || ix.Build == "" {
		return nil, fmt.Errorf("info/index.json of %q lacks name, version or build", archive)
	}
	return &ix, nil
}

func readCondaIndex(archive string) ([]byte, error) {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "info-") || !strings.HasSuffix(f.Name, ".tar.zst") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		comp, err := io.ReadAll(io.LimitReader(rc, 256<<20))
		if err != nil {
			return nil, err
		}
		plain, err := zstdDecoder().DecodeAll(comp, nil)
		if err != nil {
			return nil, err
		}
		return findInTar(bytes.NewReader(plain))
	}
	return nil, errors.New("no info-*.tar.zst member")
}

func readTarBz2Index(archive string) ([]byte, error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br, err := bzip2.NewReader(f, nil)
	if err != nil {
		return nil, err
	}
	defer br.Close()
	return findInTar(br)
}

func findInTar(r io.Reader) ([]byte, error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, errors.New("no info/index.json member")
		}
		if err != nil {
			return nil, err
		}
		if strings.TrimPrefix(h.Name, "./") == "info/index.json" {
			return io.ReadAll(io.LimitReader(tr, 4<<20))
		}
	}
}

// zstdDecoder is shared: DecodeAll is safe for concurrent use.
var zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
	d, _ := zstd.NewReader(nil, zstd.WithDecoderLowmem(true), zstd.WithDecoderConcurrency(0))
	return d
})
