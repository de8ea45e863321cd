package data

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
)

// CIFAR-10 binary version: where it comes from and what it must hash to.
const (
	CIFAR10URL    = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
	CIFAR10SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"
	cifarRecord   = 1 + 32*32*3
)

// CIFAR10Classes are CIFAR-10's labels, in order.
var CIFAR10Classes = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// CIFAR10TrainFiles and CIFAR10TestFile are the files of the binary version.
var (
	CIFAR10TrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	CIFAR10TestFile   = "test_batch.bin"
)

// LoadCIFAR10 reads CIFAR-10's binary files from dir (or from
// dir/cifar-10-batches-bin, as the archive unpacks). When files are missing and
// download is true it fetches the archive, checks its SHA-256 and unpacks it
// into dir; when that fails the error names the missing files and the URL.
func LoadCIFAR10(dir string, download bool) (Split, error) {
	root, missing := findCIFAR10(dir)
	if len(missing) > 0 && download {
		if err := DownloadCIFAR10(context.Background(), dir); err != nil {
			return Split{}, fmt.Errorf("CIFAR-10 files missing in %s (%s) and the download failed: %w.\n"+
				"Download %s (SHA-256 %s) yourself and unpack it into %s", dir, strings.Join(missing, ", "), err, CIFAR10URL, CIFAR10SHA256, dir)
		}
		root, missing = findCIFAR10(dir)
	}
	if len(missing) > 0 {
		return Split{}, fmt.Errorf("CIFAR-10 files missing in %s: %s.\nDownload %s (SHA-256 %s) and unpack it into %s, or pass -download",
			dir, strings.Join(missing, ", "), CIFAR10URL, CIFAR10SHA256, dir)
	}
	train := &Dataset{Name: CIFAR10Name, Height: 32, Width: 32, Channels: 3, Classes: CIFAR10Classes}
	for _, f := range CIFAR10TrainFiles {
		if err := readCIFARFile(filepath.Join(root, f), train); err != nil {
			return Split{}, err
		}
	}
	test := &Dataset{Name: CIFAR10Name, Height: 32, Width: 32, Channels: 3, Classes: CIFAR10Classes}
	if err := readCIFARFile(filepath.Join(root, CIFAR10TestFile), test); err != nil {
		return Split{}, err
	}
	return Split{Train: train, Test: test}, nil
}

func findCIFAR10(dir string) (root string, missing []string) {
	for _, r := range []string{dir, filepath.Join(dir, "cifar-10-batches-bin")} {
		missing = missing[:0]
		for _, f := range append(append([]string{}, CIFAR10TrainFiles...), CIFAR10TestFile) {
			if _, err := os.Stat(filepath.Join(r, f)); err != nil {
				missing = append(missing, f)
			}
		}
		if len(missing) == 0 {
			return r, nil
		}
	}
	return dir, missing
}

// readCIFARFile appends the records of one binary file: a label byte, then the
// 1024 red, 1024 green and 1024 blue bytes of a 32x32 image, row-major.
func readCIFARFile(path string, d *Dataset) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if len(b) == 0 || len(b)%cifarRecord != 0 {
		return fmt.Errorf("%s: %d bytes is not a whole number of %d-byte CIFAR-10 records (truncated or not CIFAR-10 binary)",
			path, len(b), cifarRecord)
	}
	n := len(b) / cifarRecord
	for i := range n {
		rec := b[i*cifarRecord : (i+1)*cifarRecord]
		if int(rec[0]) >= len(d.Classes) {
			return fmt.Errorf("%s: record %d has label %d, outside 0..%d (not CIFAR-10 binary?)", path, i, rec[0], len(d.Classes)-1)
		}
		d.Labels = append(d.Labels, int32(rec[0]))
		planes := rec[1:]
		for p := range 1024 {
			d.Pixels = append(d.Pixels, planes[p], planes[1024+p], planes[2048+p])
		}
	}
	return nil
}

// DownloadCIFAR10 fetches the binary archive into dir, checks its SHA-256 and
// unpacks its .bin files into dir/cifar-10-batches-bin. Connecting times out
// after 15 s, so an offline machine fails fast.
func DownloadCIFAR10(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{
		Proxy: http.ProxyFromEnvironment, TLSHandshakeTimeout: 15 * time.Second, ResponseHeaderTimeout: 15 * time.Second,
		DialContext: (&net.Dialer{Timeout: 15 * time.Second}).DialContext,
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, CIFAR10URL, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", CIFAR10URL, resp.Status)
	}
	tmp, err := os.CreateTemp(dir, ".cifar-10-binary-*.tar.gz")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), resp.Body); err != nil {
		return fmt.Errorf("downloading %s: %w", CIFAR10URL, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != CIFAR10SHA256 {
		return fmt.Errorf("%s: SHA-256 %s, want %s (corrupt or changed download)", CIFAR10URL, got, CIFAR10SHA256)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return untarBins(tmp, filepath.Join(dir, "cifar-10-batches-bin"))
}

func untarBins(r io.Reader, dst string) error {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Base(hdr.Name)
		if hdr.Typeflag != tar.TypeReg || (!strings.HasSuffix(name, ".bin") && !strings.HasSuffix(name, ".txt")) {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		if err := atomicfile.Write(filepath.Join(dst, name), b); err != nil {
			return err
		}
	}
}
